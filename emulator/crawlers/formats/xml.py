"""XML: rows are the elements named by the row tag (a custom XMLClassifier's RowTag).

Schema rules as Glue's XML reader (which follows Spark's XML data source): a row's attributes become
fields prefixed `_`, child elements become fields named by their tag, a child repeated within one row
becomes array<...>, text-only elements type like CSV values, an element with attributes or children and
text keeps its text in `_VALUE`. The file is parsed incrementally over the sample, so a cut sample still
yields the rows completed before the cut.

Decided (Glue documents no schema for its built-in XML classifier without a row tag): the built-in
classifier takes the first child element of the document's root as the row tag.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from .sample import MAX_RECORDS, TextSample, scalar_type
from .schema import NULL, Array, Columns, DataType, FileSchema, Struct, widen

INPUT_FORMAT = "com.ibm.spss.hive.serde2.xml.XmlInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat"
SERDE = "com.ibm.spss.hive.serde2.xml.XmlSerDe"
VALUE_FIELD = "_VALUE"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _widen(a: DataType, b: DataType) -> DataType:
    """Widening where an element seen once (T) and repeated elsewhere (array<T>) is array<T>."""
    if isinstance(a, Array) and not isinstance(b, Array) and b != NULL:
        return Array(_widen(a.element, b))
    if isinstance(b, Array) and not isinstance(a, Array) and a != NULL:
        return Array(_widen(a, b.element))
    if isinstance(a, Struct) and isinstance(b, Struct):
        return Struct(tuple(_merge(list(a.fields), list(b.fields))))
    return widen(a, b)


def _merge(a: Columns, b: Columns) -> Columns:
    merged = dict(a)
    for name, dtype in b:
        merged[name] = _widen(merged[name], dtype) if name in merged else dtype
    return list(merged.items())


def _element_type(element: ET.Element) -> DataType:
    fields = _element_fields(element)
    text = (element.text or "").strip()
    if not fields:
        return scalar_type(text)
    if text:
        fields = fields + [(VALUE_FIELD, scalar_type(text))]
    return Struct(tuple(fields))


def _element_fields(element: ET.Element) -> Columns:
    fields: dict[str, DataType] = {f"_{_local(k)}": scalar_type(v.strip()) for k, v in element.attrib.items()}
    counts: dict[str, int] = {}
    for child in element:
        name = _local(child.tag)
        counts[name] = counts.get(name, 0) + 1
        child_type = _element_type(child)
        fields[name] = _widen(fields[name], child_type) if name in fields else child_type
    return [(name, Array(t) if counts.get(name, 0) > 1 else t) for name, t in fields.items()]


def _rows(text: str, row_tag: str | None) -> Iterator[tuple[ET.Element, str]]:
    """Completed row elements (with the row tag in use) until the sample ends or stops being XML."""
    parser = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    try:
        parser.feed(text)
        for event, element in parser.read_events():
            if event == "start":
                depth += 1
                if row_tag is None and depth == 2:
                    row_tag = _local(element.tag)
                continue
            depth -= 1
            if row_tag is not None and _local(element.tag) == row_tag:
                yield element, row_tag
                element.clear()
    except ET.ParseError:
        return


def infer(sample: TextSample, row_tag: str | None = None) -> FileSchema | None:
    """The XML schema of a sample, or None when no row element completes in it."""
    if not sample.text.lstrip().startswith("<"):
        return None
    columns: Columns = []
    records = 0
    tag = row_tag
    for element, tag in _rows(sample.text, row_tag):
        row_fields = _element_fields(element)
        text = (element.text or "").strip()
        if text and not row_fields:
            row_fields = [(VALUE_FIELD, scalar_type(text))]
        columns = _merge(columns, row_fields)
        records += 1
        if records >= MAX_RECORDS:
            break
    if not records or not columns or tag is None:
        return None
    columns = [(name, "string" if t == NULL else t) for name, t in columns]
    return FileSchema(
        classification="xml",
        columns=columns,
        serde_library=SERDE,
        input_format=INPUT_FORMAT,
        output_format=OUTPUT_FORMAT,
        table_parameters={"rowTag": tag},
        compression=sample.compression,
        records=sample.estimate(records, len(sample.text), sample.complete and records < MAX_RECORDS),
        sample_records=records,
        sample_bytes=len(sample.text),
    )
