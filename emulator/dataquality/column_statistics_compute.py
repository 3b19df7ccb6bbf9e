"""What a column statistics task run computes, on a warm Spark driver (jobs/spark_tasks.py).

`compute_column_statistics(spark, payload)` reads the catalog table as a job's
`create_data_frame_from_catalog` does (our awsglue: the table's location, format and SerDe options,
its registered partitions, columns typed by the catalog), samples SampleSize percent of the rows
when asked, and computes every column's statistics in one aggregation:

| catalog type                          | Type    | statistics                                            |
|---------------------------------------|---------|-------------------------------------------------------|
| boolean                               | BOOLEAN | NumberOfTrues, NumberOfFalses, NumberOfNulls          |
| tinyint, smallint, int, bigint        | LONG    | Minimum/MaximumValue, NumberOfNulls, NumberOfDistinctValues |
| float, double                         | DOUBLE  | the same (NaN left out of the bounds)                 |
| decimal(p,s)                          | DECIMAL | the same, bounds as DecimalNumber at the column's scale |
| date                                  | DATE    | the same, bounds as midnight UTC                      |
| string, varchar(n), char(n)           | STRING  | MaximumLength, AverageLength (characters, of non-null values), NumberOfNulls, NumberOfDistinctValues |
| binary                                | BINARY  | MaximumLength, AverageLength (bytes), NumberOfNulls   |

AWS does not document how it counts distinct values (its NumberOfDistinctValues may well be an
estimate); we count them exactly (`count_distinct`, nulls left out). Spark's estimate,
`approx_count_distinct` (HyperLogLog++), was tried and dropped: at its default 5% error its 512
registers count six values as 5, and at 1% its registers make every aggregation buffer thousands of
fields, minutes of code generation for a handful of columns. Types without a ColumnStatisticsData (timestamp, and the nested array, map and
struct types AWS documents as unsupported) have no statistics. With SampleSize, counts are those of
the sample, not scaled up. Statistics are of the whole table, partition columns included: AWS's task
"updates the overall table-level statistics" (the developer guide's column statistics chapter).
"""

from __future__ import annotations

import base64
import re
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

# Catalog (Hive) type -> ColumnStatisticsData.Type; anything else has no statistics.
_TYPES = (
    (re.compile(r"boolean"), "BOOLEAN"),
    (re.compile(r"(tinyint|smallint|int|integer|bigint)"), "LONG"),
    (re.compile(r"(float|double|real)"), "DOUBLE"),
    (re.compile(r"decimal(\(\s*\d+\s*(,\s*\d+\s*)?\))?"), "DECIMAL"),
    (re.compile(r"date"), "DATE"),
    (re.compile(r"(string|varchar\(\s*\d+\s*\)|char\(\s*\d+\s*\))"), "STRING"),
    (re.compile(r"binary"), "BINARY"),
)


def statistics_type(catalog_type: str) -> str | None:
    """The ColumnStatisticsData.Type of a catalog column type ("bigint" -> "LONG"), None when it has none."""
    text = catalog_type.strip().lower()
    return next((kind for pattern, kind in _TYPES if pattern.fullmatch(text)), None)


def compute_column_statistics(spark: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """The statistics of `payload["columns"]` ([{"Name", "Type"}]) of a catalog table.

    payload: {"database", "table", "catalog_id" (or None), "columns", "sample_size" (percent, or None)}.
    Returns {"statistics": [ColumnStatistics]} with AnalyzedTime in epoch seconds and decimal
    UnscaledValues in base64, as UpdateColumnStatisticsForTable takes them.
    """
    from awsglue.context import GlueContext

    frame = GlueContext(spark.sparkContext).create_data_frame_from_catalog(
        database=payload["database"], table_name=payload["table"], catalog_id=payload.get("catalog_id"))
    sample = payload.get("sample_size")
    if sample is not None and sample < 100:
        frame = frame.sample(fraction=sample / 100.0)
    columns = [(c["Name"], c["Type"], statistics_type(c["Type"])) for c in payload["columns"]]
    print(f"computing the statistics of {len(columns)} column(s) of {payload['database']}.{payload['table']}")
    expressions, readers = [], []
    for index, (name, catalog_type, kind) in enumerate(columns):
        column = _column(frame, name, catalog_type)
        built, reader = _AGGREGATES[kind](column, f"c{index}_", frame.select(column).schema.fields[0].dataType)
        expressions += built
        readers.append(reader)
    row = frame.agg(*expressions).first().asDict() if expressions else {}
    analyzed = round(time.time(), 3)
    statistics = []
    for (name, catalog_type, kind), reader in zip(columns, readers):
        member = kind.capitalize() + "ColumnStatisticsData"
        statistics.append({"ColumnName": name, "ColumnType": catalog_type, "AnalyzedTime": analyzed,
                           "StatisticsData": {"Type": kind, member: reader(row)}})
    return {"statistics": statistics}


def _field_name(frame: Any, name: str) -> str:
    return next(f.name for f in frame.schema.fields if f.name.lower() == name.lower())


def _column(frame: Any, name: str, catalog_type: str) -> Any:
    """The column's values; of a choice column (values of another type, see awsglue/_catalog.py conform), the
    values of the catalog type, the others being unreadable as that type (nulls, as Hive's SerDes read them)."""
    from awsglue import gluetypes as G
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    field = frame.schema[_field_name(frame, name)]
    column = F.col(f"`{field.name}`")
    if isinstance(field.dataType, StructType):
        members = [f.name for f in field.dataType.fields]
        wanted = G.parse_type_name(catalog_type).typeName()
        return column.getField(wanted if wanted in members else members[0])
    return column


def _counts(column: Any, prefix: str) -> list[Any]:
    from pyspark.sql import functions as F

    return [F.sum(F.when(column.isNull(), 1).otherwise(0)).alias(prefix + "nulls"),
            F.count_distinct(column).alias(prefix + "distinct")]


def _numeric(kind: str) -> Any:
    def build(column: Any, prefix: str, data_type: Any) -> tuple[list[Any], Any]:
        from pyspark.sql import functions as F

        bounded = F.when(~F.isnan(column), column) if kind == "DOUBLE" else column
        expressions = [*_counts(column, prefix), F.min(bounded).alias(prefix + "min"),
                       F.max(bounded).alias(prefix + "max")]
        scale = getattr(data_type, "scale", 0)

        def read(row: dict[str, Any]) -> dict[str, Any]:
            data = {"NumberOfNulls": row[prefix + "nulls"] or 0, "NumberOfDistinctValues": row[prefix + "distinct"]}
            for bound, member in (("min", "MinimumValue"), ("max", "MaximumValue")):
                if row[prefix + bound] is not None:
                    data[member] = _bound(kind, row[prefix + bound], scale)
            return data

        return expressions, read

    return build


def _bound(kind: str, value: Any, scale: int) -> Any:
    if kind == "DECIMAL":
        unscaled = int(Decimal(value).scaleb(scale))
        raw = unscaled.to_bytes(unscaled.bit_length() // 8 + 1, "big", signed=True)
        return {"UnscaledValue": base64.b64encode(raw).decode(), "Scale": scale}
    if kind == "DATE":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    return float(value) if kind == "DOUBLE" else int(value)


def _boolean(column: Any, prefix: str, data_type: Any) -> tuple[list[Any], Any]:
    from pyspark.sql import functions as F

    expressions = [F.sum(F.when(column.isNull(), 1).otherwise(0)).alias(prefix + "nulls"),
                   F.sum(F.when(column, 1).otherwise(0)).alias(prefix + "trues"),
                   F.sum(F.when(~column, 1).otherwise(0)).alias(prefix + "falses")]

    def read(row: dict[str, Any]) -> dict[str, Any]:
        return {"NumberOfTrues": row[prefix + "trues"] or 0, "NumberOfFalses": row[prefix + "falses"] or 0,
                "NumberOfNulls": row[prefix + "nulls"] or 0}

    return expressions, read


def _lengths(with_distinct: bool) -> Any:
    def build(column: Any, prefix: str, data_type: Any) -> tuple[list[Any], Any]:
        from pyspark.sql import functions as F

        length = F.length(column)
        expressions = [*_counts(column, prefix), F.max(length).alias(prefix + "maxlen"),
                       F.avg(length).alias(prefix + "avglen")]

        def read(row: dict[str, Any]) -> dict[str, Any]:
            data = {"MaximumLength": row[prefix + "maxlen"] or 0, "AverageLength": float(row[prefix + "avglen"] or 0),
                    "NumberOfNulls": row[prefix + "nulls"] or 0}
            if with_distinct:
                data["NumberOfDistinctValues"] = row[prefix + "distinct"]
            return data

        return expressions, read

    return build


_AGGREGATES = {
    "BOOLEAN": _boolean,
    "LONG": _numeric("LONG"),
    "DOUBLE": _numeric("DOUBLE"),
    "DECIMAL": _numeric("DECIMAL"),
    "DATE": _numeric("DATE"),
    "STRING": _lengths(with_distinct=True),
    "BINARY": _lengths(with_distinct=False),
}
