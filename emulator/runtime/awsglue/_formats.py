"""Glue's S3 formats on Spark: csv, json, parquet/glueparquet, orc, text, with Glue's option names.

Typing follows Glue rather than Spark: CSV columns are all strings (no inference), JSON records are
self-describing (numbers typed per value, mixed types become choices, see _records.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from awsglue import _columns as C
from awsglue import _local_s3, _s3
from awsglue import gluetypes as G
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# Formats Glue reads or writes through jars this emulator does not have.
_UNSUPPORTED = {
    "xml": "needs the spark-xml library", "ion": "needs Amazon's Ion reader", "groklog": "needs Glue's grok reader",
    "hudi": "needs the Hudi jars", "iceberg": "needs the Iceberg jars", "delta": "needs the Delta Lake jars",
    "avro": "needs the spark-avro jar, which the pyspark package does not ship (no download is possible here)",
}
_SPARK_CODECS = {"gzip": "gzip", "gz": "gzip", "bzip2": "bzip2", "bz2": "bzip2", "snappy": "snappy",
                 "none": "none", "uncompressed": "none", "deflate": "deflate", "lz4": "lz4", "zstd": "zstd",
                 "lzo": "lzo", "brotli": "brotli"}


def flag(options: dict, *names: str, default: bool = False) -> bool:
    """A boolean option that scripts pass as True, "true" or "True", under any of its spellings."""
    for name in names:
        if name in options and options[name] is not None:
            value = options[name]
            return value.strip().lower() == "true" if isinstance(value, str) else bool(value)
    return default


def normalize_format(fmt: str | None) -> str:
    if not fmt:
        raise ValueError("A format is required for S3 sources and sinks (csv, json, parquet, orc, avro, ...)")
    name = fmt.lower()
    if name in _UNSUPPORTED:
        raise ValueError(f"Format '{fmt}' is not supported by the glue-emulator: it {_UNSUPPORTED[name]}")
    if name not in ("csv", "json", "parquet", "glueparquet", "orc", "text"):
        raise ValueError(f"Unknown format '{fmt}'")
    return name


# -- reading ---------------------------------------------------------------------------------------------

def read(glue_ctx: Any, files: list[_s3.InputFile], fmt: str, options: dict, name: str) -> Any:
    """A DynamicFrame of the files' records, with Hive partition folders as string columns."""
    from awsglue.dynamicframe import DynamicFrame

    spark = glue_ctx.spark_session
    fmt = normalize_format(fmt)
    keys = _s3.partition_keys(files)
    paths = [f.path for f in files]
    if fmt == "json":
        return _read_json(glue_ctx, files, _json_records(options), keys, name)
    if not paths:
        return DynamicFrame(spark.createDataFrame([], "struct<>"), glue_ctx, name)
    if fmt == "csv":
        df = _read_csv(spark, paths, options)
    elif fmt in ("parquet", "glueparquet"):
        df = spark.read.option("mergeSchema", "true").parquet(*paths)
    elif fmt == "orc":
        df = spark.read.option("mergeSchema", "true").orc(paths)
    else:
        df = spark.read.text(paths)
    if keys:
        df = _with_partitions(df, files, keys)
    return DynamicFrame(df, glue_ctx, name)


def _read_csv(spark: Any, paths: list[str], options: dict) -> DataFrame:
    header = flag(options, "withHeader")
    skip_first = flag(options, "skipFirst")
    quote = str(options.get("quoteChar", '"'))
    quote = "\u0000" if quote == "-1" else quote
    escaper = options.get("escaper")
    reader = (spark.read.option("header", header or skip_first)
              .option("sep", str(options.get("separator", ",")))
              .option("quote", quote)
              .option("escape", escaper if escaper else quote)
              .option("multiLine", flag(options, "multiLine", "multiline"))
              .option("inferSchema", False)
              .option("mode", "PERMISSIVE"))
    df = reader.csv(paths)
    if header:
        names = [c.strip() for c in df.columns]
    else:
        names = [f"col{i}" for i in range(len(df.columns))]
    # Empty cells are empty strings, not nulls (decision, README.md): CSV has no notation for null.
    return df.select(*[F.coalesce(C.top(old), F.lit("")).alias(new) for old, new in zip(df.columns, names)])


def _file_column() -> Any:
    return F.url_decode(F.regexp_replace(F.input_file_name(), r"^[a-zA-Z][a-zA-Z0-9+.-]*:(//[^/]*)?", ""))


def _with_partitions(df: DataFrame, files: list[_s3.InputFile], keys: list[str]) -> DataFrame:
    """Partition columns (strings) looked up by each row's source file."""
    path = _file_column()
    columns = [C.top(c) for c in df.columns if c not in keys]
    for key in keys:
        pairs = [(_s3.normalized(f.path), dict(f.partitions).get(key)) for f in files]
        lookup = F.create_map(*[F.lit(x) for pair in pairs for x in pair])
        columns.append(F.element_at(lookup, path).alias(key))
    return df.select(*columns)


def _read_json(glue_ctx: Any, files: list[_s3.InputFile], parse: _JsonParser, keys: list[str], name: str) -> Any:
    """JSON records built in Python: values typed per record; unparsable documents are error records."""
    from awsglue.dynamicframe import frame_from_items

    spark = glue_ctx.spark_session
    if not files:
        return frame_from_items(glue_ctx, spark.sparkContext.emptyRDD(), name)
    partitions = {_s3.normalized(f.path): dict(f.partitions) for f in files}
    df = spark.read.text([f.path for f in files], wholetext=parse.multiline)
    df = df.select("value", _file_column().alias("file"))

    def items(row: Any) -> list[dict]:
        extra = partitions.get(row["file"], {}) if keys else {}
        text = row["value"]
        if not text.strip():
            return []
        try:
            return [{"record": {**rec, **extra}, "isError": False} for rec in parse(text)]
        except ValueError as exc:
            return [{"record": text, "isError": True, "errorMessage": f"Malformed JSON: {exc}"}]

    return frame_from_items(glue_ctx, df.rdd.flatMap(items), name)


class _JsonParser:
    """One document (a line, or a whole file with multiline) -> its records, through jsonPath."""

    def __init__(self, json_path: str | None, multiline: bool):
        self.steps = _parse_json_path(json_path) if json_path else None
        self.multiline = multiline

    def __call__(self, text: str) -> list[dict]:
        doc = json.loads(text)
        values = _select(doc, self.steps) if self.steps is not None else [doc]
        return _as_records(values)


def _json_records(options: dict) -> _JsonParser:
    return _JsonParser(options.get("jsonPath"), flag(options, "multiLine", "multiline"))


def _as_records(values: list) -> list[dict]:
    """Objects are records; arrays contribute their elements; other values are not records."""
    out: list[dict] = []
    for value in values:
        if isinstance(value, dict):
            out.append(value)
        elif isinstance(value, list):
            out.extend(_as_records(value))
    return out


_JSON_PATH_STEP = re.compile(r"\.\*|\[\*\]|\.([^.\[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]|\[(-?\d+)\]")


def _parse_json_path(expr: str) -> list[Any]:
    """The JsonPath subset Glue scripts use: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`."""
    expr = expr.strip()
    if not expr.startswith("$"):
        raise ValueError(f"Invalid jsonPath {expr!r}: it must start with $")
    steps: list[Any] = []
    pos = 1
    while pos < len(expr):
        match = _JSON_PATH_STEP.match(expr, pos)
        if not match:
            raise ValueError(f"Invalid or unsupported jsonPath {expr!r} at position {pos}")
        text = match.group(0)
        if text in (".*", "[*]"):
            steps.append("*")
        elif match.group(4) is not None:
            steps.append(int(match.group(4)))
        else:
            steps.append(next(g for g in match.groups()[:3] if g is not None))
        pos = match.end()
    return steps


def _select(doc: Any, steps: list[Any]) -> list[Any]:
    current = [doc]
    for step in steps:
        nxt: list[Any] = []
        for value in current:
            if step == "*":
                nxt.extend(value if isinstance(value, list) else value.values() if isinstance(value, dict) else [])
            elif isinstance(step, int):
                if isinstance(value, list) and -len(value) <= step < len(value):
                    nxt.append(value[step])
            elif isinstance(value, dict) and step in value:
                nxt.append(value[step])
        current = nxt
    return current


# -- writing ---------------------------------------------------------------------------------------------

def writable(frame: Any) -> DataFrame:
    """The DataFrame to write: choices as structs; all-null (NullType) fields as strings, which every
    format can store."""
    schema = frame.schema()
    nodes = [C.Node(f.name, C.adapt(C.top(f.name), f.dataType, _no_nulls(f.dataType)), _no_nulls(f.dataType))
             for f in schema]
    return C.select_nodes(frame.toDF(), nodes)


def _no_nulls(glue_type: G.DataType) -> G.DataType:
    if isinstance(glue_type, (G.NullType, G.UnknownType)):
        return G.StringType()
    if isinstance(glue_type, G.ChoiceType):
        return G.StructType([G.Field(n, _no_nulls(m)) for n, m in glue_type.members()])
    if isinstance(glue_type, G.StructType):
        return G.StructType([G.Field(f.name, _no_nulls(f.dataType)) for f in glue_type])
    if isinstance(glue_type, G.ArrayType):
        return G.ArrayType(_no_nulls(glue_type.elementType))
    if isinstance(glue_type, G.MapType):
        return G.MapType(_no_nulls(glue_type.valueType))
    return glue_type


def write(frame: Any, path: str, fmt: str, options: dict, partition_keys: list[str] | None,
          compression: str | None, transformation_ctx: str = "") -> list[str]:
    """Append the frame's records under `path` as new files (existing files are kept); their paths.

    Files are named after the sink's transformation_ctx (see _s3.publish); a path in a bucket that
    does not exist raises _local_s3.NoSuchBucket."""
    spark = frame.glue_ctx.spark_session
    _local_s3.require_bucket(spark, path)
    fmt = normalize_format(fmt)
    df = writable(frame)
    keys = list(partition_keys or [])
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise ValueError(f"Partition keys {missing} are not fields of the frame")
    codec = options.get("compression") or compression
    staging = _s3.staging_dir(path)
    writer = df.write.mode("errorifexists")
    if keys:
        writer = writer.partitionBy(*keys)
    if codec:
        writer = writer.option("compression", _SPARK_CODECS.get(str(codec).lower(), str(codec)))
    if fmt == "csv":
        quote = str(options.get("quoteChar", '"'))
        quote = "\u0000" if quote == "-1" else quote
        writer = (writer.option("header", flag(options, "writeHeader", default=True))
                  .option("sep", str(options.get("separator", ",")))
                  .option("quote", quote).option("escape", quote))
        writer.csv(staging)
    elif fmt == "json":
        writer.json(staging)
    elif fmt in ("parquet", "glueparquet"):
        for option, spark_option in (("blockSize", "parquet.block.size"), ("pageSize", "parquet.page.size")):
            if option in options:
                writer = writer.option(spark_option, str(options[option]))
        writer.parquet(staging)
    elif fmt == "orc":
        writer.orc(staging)
    else:
        writer.text(staging)
    return _s3.publish(spark, staging, path, transformation_ctx, blocks=fmt == "glueparquet")


# -- unbox ---------------------------------------------------------------------------------------------

def unbox_parser(fmt: str, options: dict) -> Callable[[Any], Any]:
    """The parser unbox applies to a string field's values."""
    name = fmt.lower()
    if name == "json":
        return lambda value: json.loads(value) if isinstance(value, str) else value
    if name == "csv":
        schema = options.get("withSchema")
        fields = G._deserialize_json_string(schema).fields if schema else None
        separator = str(options.get("separator", ","))
        escaper = options.get("escaper") or None

        def parse_csv(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            cells = next(csv.reader(io.StringIO(value), delimiter=separator, escapechar=escaper), [])
            if fields is None:
                return {f"col{i}": cell for i, cell in enumerate(cells)}
            return {f.name: _typed(cells[i], f.dataType) if i < len(cells) else None for i, f in enumerate(fields)}

        return parse_csv
    raise ValueError(f"unbox supports the json and csv formats here, not '{fmt}'")


def _typed(cell: str, glue_type: G.DataType) -> Any:
    try:
        if isinstance(glue_type, (G.IntegerType, G.LongType, G.ShortType, G.ByteType)):
            return int(cell)
        if isinstance(glue_type, (G.DoubleType, G.FloatType)):
            return float(cell)
        if isinstance(glue_type, G.BooleanType):
            return {"true": True, "false": False}.get(cell.strip().lower())
    except ValueError:
        return None
    return cell
