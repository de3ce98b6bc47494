"""The fast string conversion equals Arrow's own (tables._strings; '' is null)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.synth.tables import _strings

ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6)


@given(st.lists(st.one_of(ascii_text, st.text(max_size=3)), max_size=40))
def test_fast_strings_equal_arrow_conversion(texts):
    values = np.array(texts, dtype=str) if texts else np.array([], dtype="<U1")
    values = np.array([t.replace("\x00", "") for t in values], dtype=values.dtype)  # numpy strips NULs anyway
    expected = pa.array(values, mask=values == "", type=pa.string())
    assert _strings(values).equals(expected)
