"""Crawler inference and planning: formats, classifiers, compression, exclusions, grouping, naming, bad input.

Pure unit tests on files the tests write (pyarrow writes Parquet and ORC); no server needed.
"""

from __future__ import annotations

import bz2
import gzip
import inspect
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore import xform_name
from pyarrow import orc

from emulator.crawlers import inference, planner
from emulator.crawlers.formats import avro, csv, grok, parquet, sample, schema, xml
from emulator.crawlers.formats import json as json_format
from emulator.crawlers.formats import orc as orc_format
from emulator.crawlers.formats.schema import Array, MapOf, Struct, merge_columns, render, widen
from emulator.crawlers.inference import classify_file
from emulator.crawlers.planner import glob_to_regex, plan_s3_target, table_name
from emulator.shapes import ServiceShapes


class Logs(list):
    def __call__(self, line: str) -> None:
        self.append(line)


def write(base: Path, rel: str, data: str | bytes) -> Path:
    path = base / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def classify(path: Path, classifiers: list[dict] | None = None, logs: Logs | None = None):
    return classify_file(path, path.stat().st_size, classifiers or [], logs if logs is not None else Logs(), str(path))


def cols(file_schema) -> list[tuple[str, str]]:
    return [(name, render(t)) for name, t in file_schema.columns]


def table_cols(plan) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in plan.table_input["StorageDescriptor"]["Columns"]]


def plan(data_dir: Path, path: str, logs: Logs | None = None, configuration: dict | None = None,
         classifiers: list[dict] | None = None, prefix: str = "", **target):
    return plan_s3_target(data_dir, {"Path": path, **target}, classifiers or [], configuration or {}, prefix,
                          logs if logs is not None else Logs())


@pytest.fixture
def s3(tmp_path: Path) -> Path:
    """The data dir; objects go under s3/<bucket>/<key>."""
    (tmp_path / "s3" / "raw").mkdir(parents=True)
    return tmp_path


# -- types ---------------------------------------------------------------------------------------------


def test_widening_rules():
    assert widen("int", "bigint") == "bigint"
    assert widen("bigint", "double") == "double"
    assert widen("null", "boolean") == "boolean"
    assert widen("boolean", "bigint") == "string"
    assert widen("decimal(10,2)", "decimal(5,4)") == "decimal(12,4)"
    assert widen("decimal(10,2)", "int") == "double"
    assert widen("date", "timestamp") == "timestamp"
    assert widen(Struct((("a", "int"),)), Struct((("b", "string"), ("a", "bigint")))) == \
        Struct((("a", "bigint"), ("b", "string")))
    assert widen(Array("int"), Array("double")) == Array("double")
    assert widen(Struct(()), "int") == "string"
    assert render(MapOf("string", Array(Struct((("x", "null"),))))) == "map<string,array<struct<x:string>>>"
    assert merge_columns([("a", "int")], [("b", "string"), ("a", "double")]) == [("a", "double"), ("b", "string")]


def test_scalar_types():
    assert [sample.scalar_type(v) for v in ("12", "-3", "1.5", "1e3", ".5", "TRUE", "false", "", "2024-01-01",
                                            "NaN", "99999999999999999999", "1_000", "abc")] == \
        ["bigint", "bigint", "double", "double", "double", "boolean", "boolean", "null", "string",
         "string", "string", "string", "string"]


# -- CSV -----------------------------------------------------------------------------------------------


def test_csv_with_header(tmp_path):
    s = classify(write(tmp_path, "a.csv", "Id,Name,Price,Active\n1,apple,1.5,true\n2,pear,2,false\n"))
    assert s.classification == "csv"
    assert cols(s) == [("Id", "bigint"), ("Name", "string"), ("Price", "double"), ("Active", "boolean")]
    assert s.serde_library == csv.LAZY_SIMPLE_SERDE
    assert s.serde_parameters == {"field.delim": ","}
    assert s.table_parameters == {"delimiter": ",", "areColumnsQuoted": "false", "columnsOrdered": "true",
                                  "skip.header.line.count": "1"}
    assert (s.records, s.compression) == (2, "none")


def test_csv_all_strings_means_no_header(tmp_path):
    s = classify(write(tmp_path, "a.csv", "name,city\nann,paris\nbob,rome\n"))
    assert cols(s) == [("col0", "string"), ("col1", "string")]
    assert "skip.header.line.count" not in s.table_parameters
    assert s.records == 3


def test_csv_numeric_first_row_is_data(tmp_path):
    s = classify(write(tmp_path, "a.csv", "1,2.5\n3,4\n"))
    assert cols(s) == [("col0", "bigint"), ("col1", "double")]


def test_csv_header_with_long_value_is_data(tmp_path):
    s = classify(write(tmp_path, "a.csv", "x" * 150 + ",b\nfoo,1\nbar,2\n"))
    assert cols(s) == [("col0", "string"), ("col1", "string")]


@pytest.mark.parametrize("delimiter", ["|", "\t", ";", "\x01"])
def test_csv_delimiters(tmp_path, delimiter):
    s = classify(write(tmp_path, "a.txt", delimiter.join(["a", "b"]) + "\n" + delimiter.join(["1", "x"]) + "\n"))
    assert (s.classification, s.table_parameters["delimiter"], s.serde_parameters) == \
        ("csv", delimiter, {"field.delim": delimiter})
    assert cols(s) == [("a", "bigint"), ("b", "string")]


def test_csv_quoted_fields_use_open_csv(tmp_path):
    s = classify(write(tmp_path, "a.csv", 'id,comment\n1,"hello, world"\n2,"a ""b"""\n'))
    assert cols(s) == [("id", "bigint"), ("comment", "string")]
    assert s.serde_library == csv.OPEN_CSV_SERDE
    assert s.serde_parameters == {"separatorChar": ",", "quoteChar": '"', "escapeChar": "\\"}
    assert s.table_parameters["areColumnsQuoted"] == "true"


def test_csv_needs_two_columns_and_two_rows(tmp_path):
    logs = Logs()
    assert classify(write(tmp_path, "one_col.csv", "a\nb\nc\n"), logs=logs) is None
    assert classify(write(tmp_path, "one_row.csv", "a,b,c\n"), logs=logs) is None
    assert len(logs) == 2 and all("UNKNOWN" in line for line in logs)


def test_ragged_csv_is_unknown(tmp_path):
    logs = Logs()
    assert classify(write(tmp_path, "r.csv", "a,b,c\n1,2\n3,4,5,6\n"), logs=logs) is None
    assert logs == [f"Skipping {tmp_path / 'r.csv'}: no classifier recognised it, classification UNKNOWN"]


def test_csv_trailing_delimiter_keeps_header(tmp_path):
    s = classify(write(tmp_path, "a.csv", "a,b,\n1,2,\n3,4,\n"))
    assert cols(s) == [("a", "bigint"), ("b", "bigint"), ("col2", "string")]
    assert s.table_parameters["skip.header.line.count"] == "1"


def test_custom_csv_classifier(tmp_path):
    path = write(tmp_path, "a.dat", "x#y\nfoo#bar\nbaz#qux\n")
    assert classify(path) is None  # no built-in delimiter splits it
    spec = {"CsvClassifier": {"Name": "hash", "Delimiter": "#", "ContainsHeader": "PRESENT",
                              "Serde": "OpenCSVSerDe"}}
    s = classify(path, [spec])
    assert cols(s) == [("x", "string"), ("y", "string")]
    assert s.serde_library == csv.OPEN_CSV_SERDE
    assert s.table_parameters["customSerde"] == "OpenCSVSerDe"
    named = classify(path, [{"CsvClassifier": {"Name": "h", "Delimiter": "#", "ContainsHeader": "ABSENT",
                                               "Header": ["p", "q"]}}])
    assert cols(named) == [("p", "string"), ("q", "string")]
    assert named.records == 3


# -- JSON ----------------------------------------------------------------------------------------------


def test_json_nested_and_widened(tmp_path):
    s = classify(write(tmp_path, "a.json", "\n".join([
        json.dumps({"A": 1, "b": {"c": "x", "d": [1, 2]}, "e": None}),
        json.dumps({"A": 3000000000, "b": {"d": [1.5], "f": True}, "g": "s"}),
        json.dumps({"A": 2.5, "e": {"z": 1}}),
    ]) + "\n"))
    assert s.classification == "json"
    assert cols(s) == [("A", "double"), ("b", "struct<c:string,d:array<double>,f:boolean>"),
                       ("e", "struct<z:int>"), ("g", "string")]
    assert s.serde_library == json_format.JSON_SERDE
    assert s.serde_parameters == {"paths": "A,b,e,g"}
    assert s.records == 3


def test_json_pretty_printed_objects(tmp_path):
    s = classify(write(tmp_path, "a.json", json.dumps({"a": 1}, indent=2) + "\n" + json.dumps({"a": 2}, indent=2)))
    assert (cols(s), s.records) == ([("a", "int")], 2)


def test_json_conflicting_kinds_become_string(tmp_path):
    s = classify(write(tmp_path, "a.json", '{"a": {"x": 1}}\n{"a": 5}\n{"a": [1]}\n'))
    assert cols(s) == [("a", "string")]


def test_json_top_level_array_is_one_array_column(tmp_path):
    s = classify(write(tmp_path, "a.json", json.dumps([{"a": 1}, {"a": 2, "b": "x"}])))
    assert cols(s) == [("array", "array<struct<a:int,b:string>>")]


def test_json_custom_classifier_json_path(tmp_path):
    path = write(tmp_path, "a.json", json.dumps({"meta": 1, "rows": [{"a": 1}, {"a": 2, "b": "x"}]}))
    s = classify(path, [{"JsonClassifier": {"Name": "rows", "JsonPath": "$.rows[*]"}}])
    assert cols(s) == [("a", "int"), ("b", "string")]
    assert s.table_parameters == {"jsonPath": "$.rows[*]"}
    assert s.records == 2
    elements = classify(write(tmp_path, "b.json", json.dumps([{"a": 1}, {"a": 2}])),
                        [{"JsonClassifier": {"Name": "all", "JsonPath": "$[*]"}}])
    assert cols(elements) == [("a", "int")]


def test_json_path_subset():
    assert json_format.parse_json_path("$.a['b c'][*][2].*") == ["a", "b c", None, 2, None]
    with pytest.raises(json_format.JsonPathError):
        json_format.parse_json_path("a.b")


def test_scalar_lines_are_not_json(tmp_path):
    assert classify(write(tmp_path, "n.txt", "1\n2\n3\n")) is None


def test_huge_single_line_json_is_read_only_up_to_10_mb(tmp_path, monkeypatch):
    limits: list[int] = []
    real = inference.read_sample

    def recording(path, size, compression, limit=sample.SAMPLE_BYTES):
        limits.append(limit)
        return real(path, size, compression, limit)

    monkeypatch.setattr(inference, "read_sample", recording)
    path = tmp_path / "huge.json"
    with open(path, "w") as handle:
        handle.write('{"a": "')
        handle.write("x" * (24 * sample.MB))
        handle.write('"}\n')
    logs = Logs()
    assert classify(path, logs=logs) is None
    assert max(limits) == 10 * sample.MB
    assert logs and "UNKNOWN" in logs[-1]


def test_text_that_is_not_json_is_not_read_further(tmp_path, monkeypatch):
    limits: list[int] = []
    real = inference.read_sample
    monkeypatch.setattr(inference, "read_sample", lambda *a: limits.append(len(a)) or real(*a))
    lines = "".join(f"[INFO] line {i}\n" for i in range(200_000))
    assert classify(write(tmp_path, "app.log", lines)) is None
    assert limits == []  # the head (one megabyte) was all that was read: no second read of 10 MB


def test_json_record_between_1_and_10_mb_is_found(tmp_path):
    path = write(tmp_path, "big.json", json.dumps({"a": "x" * (2 * sample.MB), "n": 1}) + "\n" + '{"a": "y"}\n')
    s = classify(path)
    assert cols(s) == [("a", "string"), ("n", "int")]


# -- compression ---------------------------------------------------------------------------------------


def test_gzip_csv_and_bzip2_json(tmp_path):
    gz = write(tmp_path, "a.csv.gz", gzip.compress(b"id,name\n1,a\n2,b\n"))
    s = classify(gz)
    assert (s.classification, s.compression, cols(s)) == ("csv", "gzip", [("id", "bigint"), ("name", "string")])
    bz = write(tmp_path, "a.json.bz2", bz2.compress(b'{"a": true}\n'))
    s = classify(bz)
    assert (s.classification, s.compression, cols(s)) == ("json", "bzip2", [("a", "boolean")])


def test_truncated_gzip_keeps_what_decompressed(tmp_path):
    data = gzip.compress(("id,name\n" + "".join(f"{i},n{i}\n" for i in range(5000))).encode())
    s = classify(write(tmp_path, "cut.csv.gz", data[: len(data) // 2]))
    assert (s.classification, cols(s)) == ("csv", [("id", "bigint"), ("name", "string")])


def test_gzip_reads_only_a_megabyte(tmp_path):
    body = ("id,name\n" + "".join(f"{i},n{i}\n" for i in range(150_000))).encode()
    s = classify(write(tmp_path, "big.csv.gz", gzip.compress(body, compresslevel=1)))
    assert s.sample_records == sample.MAX_RECORDS - 1  # the first 1,000 rows, the header one of them
    assert 75_000 < s.records < 300_000  # estimated from the compressed bytes the sample took


# -- columnar and Avro ---------------------------------------------------------------------------------


def _arrow_table() -> pa.Table:
    return pa.table({
        "id": pa.array([1, 2], pa.int64()),
        "small": pa.array([1, 2], pa.int32()),
        "name": pa.array(["a", None], pa.string()),
        "price": pa.array([1.5, 2.0], pa.float64()),
        "ok": pa.array([True, False]),
        "at": pa.array([0, 1], pa.timestamp("ms")),
        "day": pa.array([0, 1], pa.date32()),
        "amount": pa.array([1, 2], pa.decimal128(10, 2)),
        "tags": pa.array([["x"], []], pa.list_(pa.string())),
        "pos": pa.array([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]),
        "attrs": pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())),
    })


EXPECTED_ARROW_COLUMNS = [("id", "bigint"), ("small", "int"), ("name", "string"), ("price", "double"),
                          ("ok", "boolean"), ("at", "timestamp"), ("day", "date"), ("amount", "decimal(10,2)"),
                          ("tags", "array<string>"), ("pos", "struct<x:bigint,y:string>"),
                          ("attrs", "map<string,bigint>")]


def test_parquet_schema_from_footer(tmp_path):
    path = tmp_path / "a.parquet"
    pq.write_table(_arrow_table(), path)
    s = classify(path)
    assert s.classification == "parquet"
    assert cols(s) == EXPECTED_ARROW_COLUMNS
    assert (s.serde_library, s.input_format, s.output_format) == (parquet.SERDE, parquet.INPUT_FORMAT,
                                                                  parquet.OUTPUT_FORMAT)
    assert (s.serde_parameters, s.records, s.compression) == ({"serialization.format": "1"}, 2, "none")


def test_orc_schema_from_footer(tmp_path):
    path = tmp_path / "a.orc"
    orc.write_table(_arrow_table().drop_columns(["day"]), path)
    s = classify(path)
    assert s.classification == "orc"
    assert cols(s) == [c for c in EXPECTED_ARROW_COLUMNS if c[0] != "day"]
    assert (s.serde_library, s.input_format, s.records) == (orc_format.SERDE, orc_format.INPUT_FORMAT, 2)


def _zigzag(n: int) -> bytes:
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _avro_file(schema_json: dict, blocks: list[int]) -> bytes:
    """An Avro container: header with the schema, then blocks of `count` records of opaque bytes."""
    literal = json.dumps(schema_json).encode()
    sync = b"S" * 16
    out = bytearray(avro.MAGIC)
    out += _zigzag(2)
    for key, value in ((b"avro.schema", literal), (b"avro.codec", b"null")):
        out += _zigzag(len(key)) + key + _zigzag(len(value)) + value
    out += _zigzag(0) + sync
    for count in blocks:
        data = b"\x02" * count
        out += _zigzag(count) + _zigzag(len(data)) + data + sync
    return bytes(out)


AVRO_SCHEMA = {
    "type": "record", "name": "Sale", "namespace": "shop",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": ["null", "string"]},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "props", "type": {"type": "map", "values": "int"}},
        {"name": "seller", "type": {"type": "record", "name": "Seller", "fields": [{"name": "n", "type": "string"}]}},
        {"name": "buyer", "type": ["null", "Seller"]},
        {"name": "either", "type": ["int", "string"]},
    ],
}


def test_avro_schema_from_header(tmp_path):
    s = classify(write(tmp_path, "a.avro", _avro_file(AVRO_SCHEMA, [3, 4])))
    assert s.classification == "avro"
    assert cols(s) == [("id", "bigint"), ("name", "string"), ("price", "decimal(9,2)"), ("when", "timestamp"),
                       ("kind", "string"), ("tags", "array<string>"), ("props", "map<string,int>"),
                       ("seller", "struct<n:string>"), ("buyer", "struct<n:string>"),
                       ("either", "uniontype<int,string>")]
    assert s.records == 7
    assert json.loads(s.serde_parameters["avro.schema.literal"]) == AVRO_SCHEMA
    assert s.table_parameters["avro.schema.literal"] == s.serde_parameters["avro.schema.literal"]
    assert (s.serde_library, s.input_format) == (avro.SERDE, avro.INPUT_FORMAT)


# -- XML and grok --------------------------------------------------------------------------------------


XML_DOC = """<?xml version="1.0"?>
<catalog>
  <book id="1"><title>A</title><price>1.5</price><author>x</author><author>y</author></book>
  <book id="2"><title>B</title><price>2</price><author>z</author><info lang="en">text</info></book>
</catalog>
"""


def test_xml_custom_classifier_row_tag(tmp_path):
    path = write(tmp_path, "a.xml", XML_DOC)
    s = classify(path, [{"XMLClassifier": {"Name": "books", "Classification": "books_xml", "RowTag": "book"}}])
    assert s.classification == "books_xml"
    assert cols(s) == [("_id", "bigint"), ("title", "string"), ("price", "double"), ("author", "array<string>"),
                       ("info", "struct<_lang:string,_VALUE:string>")]
    assert s.table_parameters == {"rowTag": "book"}
    assert s.serde_library == xml.SERDE
    assert s.records == 2
    missing = classify(path, [{"XMLClassifier": {"Name": "n", "Classification": "x", "RowTag": "nope"}}])
    assert missing.classification == "xml"  # the custom classifier found no row: the built-in answers


def test_xml_builtin_takes_first_child_as_row(tmp_path):
    s = classify(write(tmp_path, "a.xml", XML_DOC))
    assert (s.classification, s.table_parameters) == ("xml", {"rowTag": "book"})


def test_grok_custom_classifier(tmp_path):
    path = write(tmp_path, "app.log", "2024-01-02T03:04:05Z INFO 42 started\n2024-01-02T03:04:06Z WARN 7 slow disk\n")
    pattern = "%{TIMESTAMP_ISO8601:ts} %{LEVEL:level} %{INT:code:int} %{GREEDYDATA:msg}"
    spec = {"GrokClassifier": {"Name": "app", "Classification": "applog", "GrokPattern": pattern,
                               "CustomPatterns": "LEVEL (?:INFO|WARN|ERROR)"}}
    s = classify(path, [spec])
    assert s.classification == "applog"
    assert cols(s) == [("ts", "string"), ("level", "string"), ("code", "int"), ("msg", "string")]
    assert s.serde_library == grok.SERDE
    assert s.serde_parameters == {"input.format": spec["GrokClassifier"]["GrokPattern"],
                                  "input.grokCustomPatterns": "LEVEL (?:INFO|WARN|ERROR)"}


def test_grok_partial_match_loses_to_builtin_and_wins_over_nothing(tmp_path):
    half = {"GrokClassifier": {"Name": "h", "Classification": "half", "GrokPattern": "%{INT:n},%{WORD:w}"}}
    s = classify(write(tmp_path, "a.csv", "n,w\n1,a\n2,b\n"), [half])
    assert s.classification == "csv"  # 2 of 3 lines: certainty < 1.0, the built-in CSV answers 1.0
    s = classify(write(tmp_path, "b.txt", "1,a\nnot a match at all\n"), [half])
    assert (s.classification, s.records) == ("half", 1)


def test_bad_grok_pattern_is_logged(tmp_path):
    logs = Logs()
    spec = {"GrokClassifier": {"Name": "bad", "Classification": "x", "GrokPattern": "%{NOPE:x}"}}
    assert classify(write(tmp_path, "a.log", "hello\nworld\n"), [spec], logs) is None
    assert logs[0].startswith("Classifier bad: unknown grok pattern %{NOPE}")


def test_builtin_apache_logs(tmp_path):
    common = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326'
    s = classify(write(tmp_path, "access.log", common + "\n" + common + "\n"))
    assert s.classification == "apache"
    assert ("clientip", "string") in cols(s) and ("response", "string") in cols(s)
    combined = classify(write(tmp_path, "c.log", (common + ' "http://x/" "Mozilla/5.0"\n') * 2))
    assert combined.classification == "combined_apache"


# -- bad input -----------------------------------------------------------------------------------------


def test_text_starting_with_magic_bytes_is_still_text(tmp_path):
    s = classify(write(tmp_path, "ids.csv", "ORCID,PAR1,age\nx,y,1\nz,w,2\n"))
    assert (s.classification, cols(s)) == ("csv", [("ORCID", "string"), ("PAR1", "string"), ("age", "bigint")])


def test_bad_files_are_logged_and_skipped(tmp_path):
    logs = Logs()
    assert classify(write(tmp_path, "empty.csv", b""), logs=logs) is None
    assert classify(write(tmp_path, "bad.parquet", b"PAR1" + b"\x07" * 100 + b"PAR1"), logs=logs) is None
    assert classify(write(tmp_path, "bad.orc", b"ORC" + b"\x00" * 50), logs=logs) is None
    assert classify(write(tmp_path, "bad.avro", avro.MAGIC + b"\xff"), logs=logs) is None
    assert classify(write(tmp_path, "junk.bin", bytes(range(256)) * 10), logs=logs) is None
    assert classify(write(tmp_path, "latin1.csv", "a,b\n\xe9t\xe9,1\n".encode("latin-1")), logs=logs) is None
    assert len(logs) == 6
    assert logs[0].startswith("Skipping") and "empty" in logs[0]
    assert "starts like Parquet" in logs[1] and "starts like ORC" in logs[2] and "starts like Avro" in logs[3]
    assert "binary content" in logs[4] and "not UTF-8" in logs[5]


# -- exclusions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, matches, misses", [
    ("*.csv", ["a.csv", ".csv"], ["x/a.csv", "a.json"]),
    ("**.csv", ["a.csv", "x/y/a.csv"], ["a.csv.gz"]),
    ("*.{csv,avro}", ["a.csv", "b.avro"], ["c.json", "d/a.csv"]),
    ("foo.?", ["foo.a"], ["foo.ab", "foo./"]),
    ("myfolder/*", ["myfolder/a"], ["myfolder/a/b"]),
    ("myfolder/*/*", ["myfolder/a/b"], ["myfolder/a"]),
    ("myfolder/**", ["myfolder/a", "myfolder/a/b/c"], ["other/a"]),
    ("myfolder**", ["myfolder", "myfolder/x.txt", "myfolder2/x"], ["a/myfolder"]),
    ("[a-c]*.csv", ["b1.csv"], ["d.csv"]),
    ("[!a-c]*.csv", ["d.csv"], ["a.csv"]),
    ("\\*.csv", ["*.csv"], ["a.csv"]),
    ("year=201[0-8]/**", ["year=2017/a.csv"], ["year=2019/a.csv"]),
])
def test_exclusion_globs(pattern, matches, misses):
    regex = glob_to_regex(pattern)
    assert [m for m in matches if regex.fullmatch(m)] == matches
    assert [m for m in misses if regex.fullmatch(m)] == []


def test_exclusions_in_a_crawl(s3):
    for rel in ("data/a.csv", "data/sub/b.csv", "data/c.json"):
        write(s3, f"s3/raw/{rel}", "id,v\n1,x\n")
    plans = plan(s3, "s3://raw/data/", Exclusions=["**.json", "sub/**"])
    assert [p.table_input["Name"] for p in plans] == ["data"]
    assert [f.key for f in plans[0].files] == ["data/a.csv"]
    assert plans[0].table_input["Parameters"]["exclusions"] == '["**.json", "sub/**"]'


# -- tables and partitions -----------------------------------------------------------------------------

CSV_AB = "a,b\n1,x\n2,y\n"


def test_hive_partitions_one_table(s3):
    write(s3, "s3/raw/sales/year=2020/month=01/p1.csv", CSV_AB)
    write(s3, "s3/raw/sales/year=2020/month=02/p1.csv", CSV_AB)
    write(s3, "s3/raw/sales/year=2021/month=01/p1.csv", "a,b\n3,z\n")
    for skipped in ("_SUCCESS", "year=2020/_temporary/0/x.csv", "year=2020/month=01/.p1.csv.crc",
                    "year=2020_$folder$", ".glue-emulator-folder", "year=2020/month=01/_committed_1"):
        write(s3, f"s3/raw/sales/{skipped}", CSV_AB)
    [p] = plan(s3, "s3://raw/sales")
    ti = p.table_input
    assert (ti["Name"], p.root, ti["TableType"]) == ("sales", "s3://raw/sales/", "EXTERNAL_TABLE")
    assert ti["PartitionKeys"] == [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}]
    assert table_cols(p) == [("a", "bigint"), ("b", "string")]
    assert [(x["Values"], x["StorageDescriptor"]["Location"]) for x in p.partitions] == [
        (["2020", "01"], "s3://raw/sales/year=2020/month=01/"),
        (["2020", "02"], "s3://raw/sales/year=2020/month=02/"),
        (["2021", "01"], "s3://raw/sales/year=2021/month=01/"),
    ]
    assert p.partition_folders["s3://raw/sales/year=2021/month=01/"] == ["2021", "01"]
    params = ti["Parameters"]
    assert {k: params[k] for k in ("objectCount", "recordCount", "classification", "compressionType", "typeOfData")} \
        == {"objectCount": "3", "recordCount": "5", "classification": "csv", "compressionType": "none",
            "typeOfData": "file"}
    assert params["sizeKey"] == str(2 * len(CSV_AB) + len("a,b\n3,z\n"))
    assert ti["StorageDescriptor"]["Parameters"] == params
    assert p.partitions[2]["Parameters"]["recordCount"] == "1"
    sd = ti["StorageDescriptor"]
    assert (sd["NumberOfBuckets"], sd["Compressed"], sd["StoredAsSubDirectories"]) == (-1, False, False)


def test_unnamed_levels_are_partition_n(s3):
    write(s3, "s3/raw/logs/2021/Jan/1/a.csv", CSV_AB)
    write(s3, "s3/raw/logs/2021/Feb/3/a.csv", CSV_AB)
    [p] = plan(s3, "s3://raw/logs/")
    assert [k["Name"] for k in p.table_input["PartitionKeys"]] == ["partition_0", "partition_1", "partition_2"]
    assert [x["Values"] for x in p.partitions] == [["2021", "Feb", "3"], ["2021", "Jan", "1"]]


def test_glue_doc_example_similar_siblings_make_one_table(s3):
    for rel in ("table1/partition1", "table1/partition2", "table1/partition3", "table2/partition4",
                "table2/partition5"):
        write(s3, f"s3/raw/folder1/{rel}/f.csv", CSV_AB)
    [p] = plan(s3, "s3://raw/folder1/")
    assert p.table_input["Name"] == "folder1"
    assert [k["Name"] for k in p.table_input["PartitionKeys"]] == ["partition_0", "partition_1"]
    assert [x["Values"][0] for x in p.partitions] == ["table1"] * 3 + ["table2"] * 2


def test_dissimilar_siblings_are_separate_tables(s3):
    write(s3, "s3/raw/ds/year=2017/f.json", '{"A": 1, "B": 2}\n')
    write(s3, "s3/raw/ds/year=2018/f.json", '{"C": 1, "D": 2}\n')
    plans = plan(s3, "s3://raw/ds/")
    assert [(p.table_input["Name"], p.root, table_cols(p)) for p in plans] == [
        ("year_2017", "s3://raw/ds/year=2017/", [("a", "int"), ("b", "int")]),
        ("year_2018", "s3://raw/ds/year=2018/", [("c", "int"), ("d", "int")]),
    ]
    assert plans[0].table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"] == {"paths": "A,B"}


def test_combine_compatible_schemas(s3):
    write(s3, "s3/raw/ds/year=2017/f.json", '{"A": 1, "B": 2}\n')
    write(s3, "s3/raw/ds/year=2018/f.json", '{"C": 1, "D": 2}\n')
    config = {"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}}
    [p] = plan(s3, "s3://raw/ds/", configuration=config)
    assert (p.table_input["Name"], table_cols(p)) == ("ds", [("a", "int"), ("b", "int"), ("c", "int"), ("d", "int")])
    assert p.table_input["PartitionKeys"] == [{"Name": "year", "Type": "string"}]
    assert [table_cols_of(x) for x in p.partitions] == [[("a", "int"), ("b", "int")], [("c", "int"), ("d", "int")]]


def table_cols_of(partition: dict) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in partition["StorageDescriptor"]["Columns"]]


def test_new_column_in_one_partition_stays_one_table(s3):
    write(s3, "s3/raw/t/dt=1/f.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n")
    write(s3, "s3/raw/t/dt=2/f.csv", "a,b,c,d,e\n1,2,3,4,x\n5,6,7,8,y\n")
    [p] = plan(s3, "s3://raw/t/")
    assert [c for c, _ in table_cols(p)] == ["a", "b", "c", "d", "e"]


def test_mixed_formats_under_one_root(s3):
    write(s3, "s3/raw/mix/csvs/a.csv", CSV_AB)
    write(s3, "s3/raw/mix/jsons/a.json", '{"a": 1, "b": "x"}\n')
    pq.write_table(pa.table({"a": [1], "b": ["x"]}), write(s3, "s3/raw/mix/pq/a.parquet", b""))
    plans = plan(s3, "s3://raw/mix/")
    assert [(p.table_input["Name"], p.classification) for p in plans] == [
        ("csvs", "csv"), ("jsons", "json"), ("pq", "parquet")]
    sd = plans[2].table_input["StorageDescriptor"]
    assert (sd["InputFormat"], sd["SerdeInfo"]["SerializationLibrary"]) == (parquet.INPUT_FORMAT, parquet.SERDE)


def test_files_beside_folders_become_file_tables(s3):
    write(s3, "s3/raw/m/top.csv", CSV_AB)
    write(s3, "s3/raw/m/sub/x=1/a.csv", CSV_AB)
    plans = plan(s3, "s3://raw/m/")
    assert [(p.table_input["Name"], p.root) for p in plans] == [
        ("sub", "s3://raw/m/sub/"), ("top_csv", "s3://raw/m/top.csv")]


def test_different_schemas_in_one_folder_are_file_tables(s3):
    write(s3, "s3/raw/f/one.csv", CSV_AB)
    write(s3, "s3/raw/f/two.csv", "p,q,r\n1,2,3\n4,5,6\n")
    plans = plan(s3, "s3://raw/f/")
    assert [p.table_input["Name"] for p in plans] == ["one_csv", "two_csv"]


def test_gzip_and_plain_files_do_not_share_a_table(s3):
    write(s3, "s3/raw/g/a/1.csv", CSV_AB)
    write(s3, "s3/raw/g/b/1.csv.gz", gzip.compress(CSV_AB.encode()))
    plans = plan(s3, "s3://raw/g/")
    assert [(p.table_input["Name"], p.table_input["Parameters"]["compressionType"]) for p in plans] == [
        ("a", "none"), ("b", "gzip")]


def test_table_level_configuration(s3):
    write(s3, "s3/raw/ds/year=2019/month=Jan/a.json", '{"A": 1}\n')
    write(s3, "s3/raw/ds/year=2019/month=Mar/a.json", '{"Z": "x"}\n')
    logs = Logs()
    plans = plan(s3, "s3://raw/ds/", logs, {"Version": 1.0, "Grouping": {"TableLevelConfiguration": 3}})
    assert [(p.table_input["Name"], p.root, p.table_input["PartitionKeys"]) for p in plans] == [
        ("month_jan", "s3://raw/ds/year=2019/month=Jan/", []),
        ("month_mar", "s3://raw/ds/year=2019/month=Mar/", [])]
    [p] = plan(s3, "s3://raw/ds/", logs, {"Version": 1.0, "Grouping": {"TableLevelConfiguration": 1}})
    assert (p.table_input["Name"], [k["Name"] for k in p.table_input["PartitionKeys"]]) == ("ds", ["year", "month"])
    assert table_cols(p) == [("a", "int"), ("z", "string")]


def test_sample_size_counts_unsampled_files(s3):
    for i in range(4):
        write(s3, f"s3/raw/s/{i}.csv", CSV_AB)
    write(s3, "s3/raw/s/9.csv", "this,would\nnot,parse,ragged\n")  # outside the sample: never read
    logs = Logs()
    [p] = plan(s3, "s3://raw/s/", logs, SampleSize=2)
    assert logs == []
    assert p.table_input["Parameters"]["objectCount"] == "5"
    assert int(p.table_input["Parameters"]["recordCount"]) >= 8


def test_unparseable_files_are_left_out_and_logged(s3):
    write(s3, "s3/raw/b/good.csv", CSV_AB)
    write(s3, "s3/raw/b/bad.parquet", b"PAR1garbagePAR1")
    write(s3, "s3/raw/b/empty.csv", b"")
    logs = Logs()
    [p] = plan(s3, "s3://raw/b/", logs)
    assert [f.key for f in p.files] == ["b/good.csv"]
    assert p.table_input["Parameters"]["objectCount"] == "1"
    assert len(logs) == 2 and all(line.startswith("Skipping s3://raw/b/") for line in logs)


def test_names_prefix_and_clashes(s3):
    write(s3, "s3/raw/data/My-Sales.2024/f.json", '{"a": 1}\n')
    write(s3, "s3/raw/data/my_sales_2024/f.json", '{"zz": "x", "yy": 1}\n')
    plans = plan(s3, "s3://raw/data/", prefix="Pre_")
    first, second = (p.table_input["Name"] for p in plans)
    assert first == "pre_my_sales_2024"
    assert second == "pre_my_sales_2024_2c712fbc"  # a hash suffix (of its location) as AWS documents
    assert table_name("x" * 200) == "x" * 128
    assert table_name("Ünïcode name!") == "_n_code_name_"


def test_bucket_root_table_is_named_after_the_bucket(s3):
    write(s3, "s3/raw/a.csv", CSV_AB)
    write(s3, "s3/raw/b.csv", CSV_AB)
    [p] = plan(s3, "s3://raw")
    assert (p.table_input["Name"], p.root) == ("raw", "s3://raw/")


def test_partition_key_wins_over_a_data_column(s3):
    write(s3, "s3/raw/p/year=2020/a.json", '{"year": 1, "v": 2}\n')
    [p] = plan(s3, "s3://raw/p/")
    assert table_cols(p) == [("v", "int")]
    assert table_cols_of(p.partitions[0]) == [("v", "int")]


def test_column_names_lower_cased_and_case_twins_merged(s3):
    write(s3, "s3/raw/c/a.json", '{"Id": 1, "id": 2.5, "Name": "x"}\n')
    [p] = plan(s3, "s3://raw/c/")
    assert table_cols(p) == [("id", "double"), ("name", "string")]
    assert p.table_input["StorageDescriptor"]["SerdeInfo"]["Parameters"]["paths"] == "Id,Name,id"


def test_quoted_file_makes_the_table_open_csv(s3):
    write(s3, "s3/raw/q/a.csv", CSV_AB)
    write(s3, "s3/raw/q/b.csv", 'a,b\n3,"x, y"\n')
    [p] = plan(s3, "s3://raw/q/")
    assert p.table_input["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == csv.OPEN_CSV_SERDE
    assert p.table_input["Parameters"]["areColumnsQuoted"] == "true"


def test_missing_targets_are_logged(s3):
    logs = Logs()
    assert plan(s3, "s3://nobucket/x", logs) == []
    assert plan(s3, "s3://raw/nothing/", logs) == []
    assert plan(s3, "hdfs://raw/x", logs) == []
    assert len(logs) == 3


def test_single_file_include_path(s3):
    write(s3, "s3/raw/d/data.csv", CSV_AB)
    [p] = plan(s3, "s3://raw/d/data.csv")
    assert (p.table_input["Name"], p.root, p.partitions) == ("data_csv", "s3://raw/d/data.csv", [])


def test_plans_fit_the_model(s3):
    """Every plan is a valid CreateTable TableInput and BatchCreatePartition PartitionInputList."""
    write(s3, "s3/raw/v/k=1/a.csv", 'a,b\n1,"x"\n')
    pq.write_table(_arrow_table(), write(s3, "s3/raw/v2/a.parquet", b""))
    write(s3, "s3/raw/v3/a.avro", _avro_file(AVRO_SCHEMA, [1]))
    shapes = ServiceShapes("glue")
    plans = plan(s3, "s3://raw/")
    assert len(plans) == 3
    for p in plans:
        shapes.validate_input("CreateTable", {"DatabaseName": "db", "TableInput": p.table_input})
        if p.partitions:
            shapes.validate_input("BatchCreatePartition", {"DatabaseName": "db", "TableName": "t",
                                                           "PartitionInputList": p.partitions})


def test_no_helper_is_named_after_an_operation():
    """Dispatch takes any module-level function named after an operation as its handler."""
    operations = {xform_name(op) for op in ServiceShapes("glue").operations}
    modules = [inference, planner, avro, csv, grok, json_format, orc_format, parquet, sample, schema, xml]
    for module in modules:
        names = {name for name, value in vars(module).items() if inspect.isfunction(value)}
        assert names & operations == set(), module.__name__

