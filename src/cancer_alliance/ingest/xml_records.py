"""An XML file of records (the national Cancer Waiting Times bulk-upload format) as a text table,
read as a stream and without any DTD or entity (docs/decisions/0050).

The Cancer Waiting Times system accepts a bulk upload as XML formatted "as per the NHS Data Model
and Dictionary XML Schemas" (NHS Data Dictionary, National Cancer Waiting Times Monitoring Data Set,
Transmission); those schemas are distributed through TRUD and are not public, so the element names
are not verified here. What is read is therefore a setting of the profile (`[xml]` in
`profiles/*.toml`): the local name of the element that is one record. Every element inside a record
that holds no elements is a field, named by its local name (namespaces ignored; groups such as
OUTPATIENT SERVICES are only structure), whose value is its text or, when it has no text and one
attribute (`<PriorityTypeCode code="3"/>`), that attribute's value. The profile maps those names to
canonical columns as it maps CSV headers, comparing letters and digits only, so `DateFirstSeen` is
the item `DATE FIRST SEEN`.

The parser is Python's expat fed 1 MiB at a time: memory holds the records read so far as Arrow text
columns (as a CSV's are) plus at most 65,536 records as Python text, never a tree of the document. A
document type declaration (and so any entity declaration, the route of "billion laughs" and
external-entity attacks) refuses the file before anything is read past it.

Row N of the table is the Nth record of the file. A record that gives a field twice is kept with the
first value and a problem (check `repeated_element`, field: the element) so that the checks
quarantine it, naming the file, the record number and the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import pyarrow as pa

from cancer_alliance.errors import InputError

_CHUNK = 1 << 20
_BATCH = 65536  # records held as Python text before they move to Arrow
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def element_key(name: str) -> str:
    """A name as an element is matched: lower-case letters and digits only, so the item
    `ORGANISATION SITE IDENTIFIER (OF TREATMENT)` is the element `OrganisationSiteIdentifierOfTreatment`."""
    return _NOT_ALNUM.sub("", name.lower())


def _local(name: str) -> str:
    """An element's name without its namespace (expat joins them with a space, see `namespace_separator`)."""
    return name.rsplit(" ", 1)[-1]


class _Refused(Exception):
    """A declaration the reader never processes (DTD, entity)."""


@dataclass
class _Records:
    record: str
    names: dict[str, int] = field(default_factory=dict)  # field name -> column, in first-seen order
    columns: list[list[str | None]] = field(default_factory=list)
    problems: list[tuple[str, str] | None] = field(default_factory=list)  # (field, reason) per record
    depth_in_record: int = 0
    text: list[str] = field(default_factory=list)
    has_children: list[bool] = field(default_factory=list)
    current: dict[str, str] = field(default_factory=dict)
    repeated: str | None = None
    batches: list[tuple[int, dict[str, pa.Array]]] = field(default_factory=list)  # (records, columns)
    batched: int = 0  # records already in `batches`
    attribute: str | None = None  # the only attribute of the current element, if it has one
    depth: int = 0  # outside records: 1 = the root element
    under_root: dict[str, None] = field(default_factory=dict)  # names of the root's children

    def start(self, name: str, attributes: dict) -> None:
        local = _local(name)
        if self.depth_in_record == 0:
            self.depth += 1
            if self.depth == 2 and len(self.under_root) < 5:
                self.under_root[local] = None
            if local == self.record:
                self.depth_in_record = 1
                self.current, self.repeated = {}, None
                self.has_children = [False]
                self.text = []
            return
        self.depth_in_record += 1
        self.has_children[-1] = True
        self.has_children.append(False)
        self.text = []
        self.attribute = next(iter(attributes.values())) if len(attributes) == 1 else None

    def end(self, name: str) -> None:
        if self.depth_in_record == 0:
            self.depth -= 1
            return
        self.depth_in_record -= 1
        leaf = not self.has_children.pop()
        if self.depth_in_record == 0:
            self.depth -= 1
            self._finish()
            return
        if leaf:
            local = _local(name)
            if local in self.current:
                self.repeated = self.repeated or local
            else:
                text = "".join(self.text)
                self.current[local] = text if text.strip() or self.attribute is None else self.attribute
        self.text = []

    def characters(self, data: str) -> None:
        if self.depth_in_record:
            self.text.append(data)

    def _finish(self) -> None:
        rows = len(self.problems)
        in_batch = rows - self.batched
        for name in self.current:
            if name not in self.names:
                self.names[name] = len(self.columns)
                self.columns.append([None] * in_batch)
        values = [None] * len(self.columns)
        for name, value in self.current.items():
            values[self.names[name]] = value
        for column, value in zip(self.columns, values, strict=True):
            column.append(value)
        self.problems.append(
            (self.repeated, f"record {rows + 1}: element {self.repeated} is given more than once")
            if self.repeated
            else None
        )
        if in_batch + 1 == _BATCH:
            self.flush()

    def flush(self) -> None:
        """Move the records held as Python text into Arrow arrays (a fraction of the memory)."""
        size = len(self.problems) - self.batched
        if size:
            self.batches.append(
                (size, {n: pa.array(self.columns[i], pa.string()) for n, i in self.names.items()})
            )
            self.columns = [[] for _ in self.columns]
            self.batched += size

    def table(self) -> pa.Table:
        """Every record, one text column per field name (null where a record lacks it)."""
        self.flush()
        return pa.table(
            [
                pa.chunked_array(
                    [arrays.get(name, pa.nulls(size, pa.string())) for size, arrays in self.batches],
                    pa.string(),
                )
                for name in self.names
            ],
            names=list(self.names),
        )


@dataclass(frozen=True)
class XmlText:
    """The records of an XML file: one text column per field name (first seen first), one row per
    record, and per record its problem (field, reason) or None."""

    data: pa.Table
    problems: list[tuple[str, str] | None]


def _refuse(*_args: object) -> None:
    raise _Refused


def read(path: Path, record: str) -> XmlText:
    """The records (elements named `record`) of the XML file at `path`; InputError when it is not
    well-formed XML, declares a DTD or entity, or holds no such element."""
    records = _Records(record)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = records.start
    parser.EndElementHandler = records.end
    parser.CharacterDataHandler = records.characters
    parser.buffer_text = True
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused:
        raise InputError(
            f"{path}: line {parser.CurrentLineNumber} declares a document type or entity; "
            "an upload file must not (they are never read)"
        ) from None
    except expat.ExpatError as error:
        raise InputError(
            f"{path}: line {error.lineno} is not well-formed XML ({expat.ErrorString(error.code)})"
        ) from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({type(error).__name__})") from None
    if not records.problems:
        seen = ", ".join(f"<{name}>" for name in records.under_root) or "nothing"
        raise InputError(
            f"{path}: no <{record}> records (the profile's [xml] record element); the root holds {seen}"
        )
    if not records.columns:
        raise InputError(f"{path}: the <{record}> records hold no fields")
    return XmlText(records.table(), records.problems)
