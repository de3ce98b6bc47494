"""FIT bowel screening programme: the metric definitions and threshold planning of issue #13, one
paragraph per behaviour, run on every engine (style guide §1)."""

title = "FIT in bowel screening"
