"""Relationalize: a nested frame as flat tables joined by generated keys (DynamicFrame.relationalize)."""

from __future__ import annotations

from typing import Any

from awsglue import _columns as C
from awsglue import gluetypes as G
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

_ROW_ID = "__glue_row_id"


def relationalize(frame: Any, root_table_name: str) -> dict[str, tuple[DataFrame, G.StructType]]:
    """{table name: (DataFrame, Glue schema)}, the root table first, then one table per array."""
    tables: dict[str, tuple[DataFrame, G.StructType]] = {}
    _add_table(frame._df, frame.schema(), root_table_name, tables)
    return tables


def _add_table(df: DataFrame, schema: G.StructType, name: str, tables: dict) -> None:
    nodes = C.flatten(C.top_nodes(schema))
    flat = C.select_nodes(df, nodes)
    flat_schema = C.schema_of(nodes)
    arrays = [f for f in flat_schema if isinstance(f.dataType, G.ArrayType)]
    if not arrays:
        tables[name] = (flat, flat_schema)
        return
    # Keys are row numbers of this table, frozen by a checkpoint so that the parent's key column and
    # the child tables read the same numbering (Spark would otherwise recompute them).
    keyed = flat.withColumn(_ROW_ID, F.row_number().over(Window.orderBy(F.monotonically_increasing_id()))
                            .cast("long")).localCheckpoint()
    columns, fields = [], []
    for f in flat_schema:
        if isinstance(f.dataType, G.ArrayType):
            columns.append(F.when(C.top(f.name).isNull(), F.lit(None)).otherwise(F.col(_ROW_ID)).alias(f.name))
            fields.append(G.Field(f.name, G.LongType()))
        else:
            columns.append(C.top(f.name).alias(f.name))
            fields.append(f)
    tables[name] = (keyed.select(*columns), G.StructType(fields))
    for f in arrays:
        value = f.name + ".val"
        child = keyed.select(F.col(_ROW_ID).alias("id"), F.posexplode(C.top(f.name)).alias("index", "__val"))
        child = child.select("id", "index", F.col("__val").alias(value))
        child_schema = G.StructType([G.Field("id", G.LongType()), G.Field("index", G.IntegerType()),
                                     G.Field(value, f.dataType.elementType)])
        _add_table(child, child_schema, f"{name}_{f.name.replace('.', '_')}", tables)
