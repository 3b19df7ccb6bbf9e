"""`awsglue.dynamicframe`: DynamicFrame, DynamicFrameCollection and the reader/writer objects.

A DynamicFrame here is a Spark DataFrame plus a Glue schema (see _columns.py for how choice types are
laid out). Transforms are DataFrame plans where Spark can express them; map/filter/unbox run Python
over records (see _records.py). Error records (from map/filter functions that raise) travel with the
frames derived from them, as Glue's do: errorsCount() counts every stage, stageErrorsCount() one.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from awsglue import _columns as C
from awsglue import _frame_ops as O
from awsglue import _records as R
from awsglue import gluetypes as G
from awsglue.utils import callsite
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

__all__ = ["DynamicFrame", "DynamicFrameCollection", "DynamicFrameReader", "DynamicFrameWriter", "ResolveOption"]

# The layout of error records (errorsAsDynamicFrame): Glue documents none; see README.md.
_ERROR_SCHEMA = T.StructType([T.StructField("error", T.StructType([
    T.StructField("msg", T.StringType()),
    T.StructField("stackTrace", T.StringType()),
    T.StructField("input", T.StringType()),
    T.StructField("callsite", T.StructType([T.StructField("site", T.StringType()),
                                            T.StructField("info", T.StringType())])),
]))])

_COMPARATORS: dict[str, Callable[[Column, Any], Column]] = {
    "=": lambda c, v: c == v, "!=": lambda c, v: c != v, "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v, ">": lambda c, v: c > v, ">=": lambda c, v: c >= v,
}


class ResolveOption:
    """How toDF() resolves one choice field: `KeepAsStruct`, or `Project` to a target Spark type."""

    def __init__(self, path: str, action: str, target: Any = None):
        self.path = path
        self.action = action
        self.target = target


@dataclass(frozen=True)
class _Stage:
    errors: DataFrame
    stage_threshold: int
    total_threshold: int


class ErrorThresholdExceeded(Exception):
    """More error records than a transform's stageThreshold/totalThreshold allow."""


class DynamicFrame:
    def __init__(self, jdf: DataFrame, glue_ctx: Any, name: str = "", schema: G.StructType | None = None,
                 stages: tuple[_Stage, ...] = (), stage: _Stage | None = None):
        self._df = jdf
        self.glue_ctx = glue_ctx
        self.name = name
        self._schema = schema
        self._stages = stages  # error stages of the frames this one derives from
        self._stage = stage  # errors of the transform that made this frame

    # -- construction ---------------------------------------------------------------------------------

    @classmethod
    def fromDF(cls, dataframe: DataFrame, glue_ctx: Any, name: str = "") -> DynamicFrame:
        """The DataFrame as a DynamicFrame. Columns sharing a name (`select *` over a join) become one
        field, as a record has one value per name: at the first column's place, holding the value of
        the last of them that is not null."""
        return cls(O._one_column_per_name(dataframe), glue_ctx, name)

    def _derive(self, df: DataFrame, schema: G.StructType | None, name: str | None = None,
                errors: DataFrame | None = None, stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        stages = self._stages + ((self._stage,) if self._stage else ())
        stage = _Stage(errors, int(stageThreshold), int(totalThreshold)) if errors is not None else None
        frame = DynamicFrame(df, self.glue_ctx, self.name if name is None else name, schema, stages, stage)
        if stageThreshold or totalThreshold:
            frame._check_thresholds(stageThreshold, totalThreshold)
        return frame

    def _from_nodes(self, nodes: list[C.Node], name: str | None = None, **thresholds: Any) -> DynamicFrame:
        return self._derive(C.select_nodes(self._df, nodes), C.schema_of(nodes), name, **thresholds)

    def _nodes(self) -> list[C.Node]:
        return C.top_nodes(self.schema())

    @property
    def _sc(self) -> Any:
        return self._df.sparkSession.sparkContext

    @property
    def _spark(self) -> Any:
        return self._df.sparkSession

    # -- schema and inspection ----------------------------------------------------------------------

    def schema(self) -> G.StructType:
        if self._schema is None:
            self._schema = C.from_spark(self._df.schema)
        return self._schema

    def with_frame_schema(self, schema: G.StructType) -> DynamicFrame:
        """The frame laid out as `schema` (fields missing from the data are null, others are cast)."""
        current = self.schema()
        nodes = [C.Node(f.name, C.adapt(C.top(f.name), current.getField(f.name).dataType, f.dataType)
                        if current.hasField(f.name) else C.null_of(f.dataType), f.dataType) for f in schema]
        return self._from_nodes(nodes)

    def printSchema(self) -> None:
        print(self.schema().treeString())

    def show(self, num_rows: int = 20) -> None:
        """Records as JSON objects, one a line (Glue prints records, not Spark's table)."""
        schema = self.schema()
        for row in self._df.take(num_rows):
            print(json.dumps(R.record_of(row, schema), default=str))

    def count(self) -> int:
        return self._df.count()

    def toDF(self, options: list[ResolveOption] | None = None) -> DataFrame:
        """The DataFrame; choice fields not resolved by `options` stay structs of their member types."""
        frame = self
        for option in options or []:
            if option.action not in ("KeepAsStruct", "Project"):
                raise ValueError(f"Invalid resolve action {option.action}, only KeepAsStruct and Project are accepted")
            if option.action == "Project":
                if option.target is None:
                    raise Exception(f"Missing target type for resolve action {option.action}.")
                target = option.target if isinstance(option.target, G.DataType) else C.from_spark(option.target)
                frame = frame._resolve_path(C.parse_path(option.path), ("project", target), None)
        return frame._df

    def getNumPartitions(self) -> int:
        return self._df.rdd.getNumPartitions()

    # -- errors -----------------------------------------------------------------------------------------

    def _all_stages(self) -> tuple[_Stage, ...]:
        return self._stages + ((self._stage,) if self._stage else ())

    def errorsCount(self) -> int:
        return sum(stage.errors.count() for stage in self._all_stages())

    def stageErrorsCount(self) -> int:
        return self._stage.errors.count() if self._stage else 0

    def errorsAsDynamicFrame(self) -> DynamicFrame:
        frames = [stage.errors for stage in self._all_stages()]
        df = reduce(DataFrame.unionAll, frames) if frames else self._spark.createDataFrame([], _ERROR_SCHEMA)
        return DynamicFrame(df, self.glue_ctx, self.name + "_errors")

    def _check_thresholds(self, stage_threshold: int, total_threshold: int) -> None:
        stage_count = self.stageErrorsCount() if stage_threshold else 0
        if stage_threshold and stage_count > stage_threshold:
            raise ErrorThresholdExceeded(
                f"Number of errors in this transformation ({stage_count}) exceeds stageThreshold ({stage_threshold})")
        total_count = self.errorsCount() if total_threshold else 0
        if total_threshold and total_count > total_threshold:
            raise ErrorThresholdExceeded(
                f"Total number of errors ({total_count}) exceeds totalThreshold ({total_threshold})")

    def assertErrorThreshold(self) -> None:
        """Check every stage that made this frame against the thresholds it was given."""
        stages = self._all_stages()
        for i, stage in enumerate(stages):
            count = stage.errors.count()
            if stage.stage_threshold and count > stage.stage_threshold:
                raise ErrorThresholdExceeded(
                    f"Number of errors in this transformation ({count}) exceeds stageThreshold "
                    f"({stage.stage_threshold})")
            total = sum(s.errors.count() for s in stages[:i + 1])
            if stage.total_threshold and total > stage.total_threshold:
                raise ErrorThresholdExceeded(
                    f"Total number of errors ({total}) exceeds totalThreshold ({stage.total_threshold})")

    # -- record-level transforms (Python over records) -----------------------------------------------

    def _records(self) -> Any:
        """An RDD of records (dicts) of this frame, each with only the fields it has (no null values)."""
        schema = self.schema()
        return self._df.rdd.map(lambda row: R.record_of(row, schema))

    def mapPartitionsWithIndex(self, f: Callable[[int, Iterator[dict]], Iterable[dict]],
                               preservesPartitioning: bool = False, transformation_ctx: str = "", info: str = "",
                               stageThreshold: int = 0, totalThreshold: int = 0,
                               schema: G.StructType | None = None) -> DynamicFrame:
        """Run `f` over `{"record": ..., "isError": False}` items per partition, as Glue's map/filter do.

        Items that come back with isError set become error records (message in `errorMessage`). The new
        schema is inferred from the records (old field types kept where values still fit) unless given.
        """
        wrapped = self._records().map(lambda rec: {"record": rec, "isError": False})
        results = wrapped.mapPartitionsWithIndex(f, preservesPartitioning)
        df, schema, errors = _build(self._spark, results, self.schema(), schema, callsite(), info)
        return self._derive(df, schema, errors=errors, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def mapPartitions(self, f: Callable[[Iterator[dict]], Iterable[dict]], preservesPartitioning: bool = True,
                      transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                      totalThreshold: int = 0) -> DynamicFrame:
        return self.mapPartitionsWithIndex(lambda _, items: f(items), preservesPartitioning, transformation_ctx,
                                           info, stageThreshold, totalThreshold)

    def filter(self, f: Callable[[G.DynamicRecord], bool], transformation_ctx: str = "", info: str = "",
               stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """Keep records for which f is true. KeyError/ValueError/TypeError in f drop the record;
        any other exception makes it an error record. The schema is kept as it was."""
        def keep(item: dict) -> bool:
            try:
                return bool(f(G._create_dynamic_record(item["record"])))
            except (KeyError, ValueError, TypeError):
                return False
            except Exception as exc:
                _mark_error(item, exc)
                return True

        return self.mapPartitionsWithIndex(lambda _, items: (i for i in items if keep(i)), True, transformation_ctx,
                                           info, stageThreshold, totalThreshold, schema=self.schema())

    def map(self, f: Callable[[G.DynamicRecord], dict], preservesPartitioning: bool = False,
            transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
            totalThreshold: int = 0) -> DynamicFrame:
        """Replace each record by f(record); an exception or a falsy result makes an error record."""
        def apply(item: dict) -> dict:
            try:
                result = G._revert_to_dict(f(G._create_dynamic_record(item["record"])))
            except Exception as exc:
                _mark_error(item, exc)
                return item
            if result:
                item["record"] = result
            else:
                item["isError"] = True
                item["errorMessage"] = "User-specified function returned None instead of DynamicRecord"
            return item

        return self.mapPartitionsWithIndex(lambda _, items: map(apply, items), preservesPartitioning,
                                           transformation_ctx, info, stageThreshold, totalThreshold)

    # -- field transforms ---------------------------------------------------------------------------

    def apply_mapping(self, mappings: Any, case_sensitive: bool = False, transformation_ctx: str = "",
                      info: str = "", stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """Project and cast: only mapped fields survive, in mapping order, at their (dotted) target paths.

        A source path found in no record yields no field. A declared source type that disagrees with
        the data gives an empty (null) field, as on Glue; on a choice field it picks that member.
        """
        if isinstance(mappings, tuple):
            mappings = [mappings]
        source = self._nodes()
        target: list[C.Node] = []
        for mapping in mappings:
            src, src_type, dst, dst_type = O._mapping_parts(mapping)
            node = C.find_node(source, C.parse_path(src), case_sensitive)
            if node is None:
                continue
            col, glue_type = O._mapped_value(node, src_type, dst_type)
            target = C.insert_at(target, C.parse_path(dst), C.Node(dst, col, glue_type))
        return self._from_nodes(target, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def applyMapping(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        if args and isinstance(args[0], DynamicFrame):
            args = args[1:]
        return self.apply_mapping(*args, **kwargs)

    def select_fields(self, paths: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                      totalThreshold: int = 0) -> DynamicFrame:
        """Keep the named fields (nested paths keep their parent structs), in schema order."""
        paths = [paths] if isinstance(paths, str) else list(paths)
        kept = O._prune(self._nodes(), [C.parse_path(p) for p in paths])
        return self._from_nodes(kept, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def drop_fields(self, paths: Any, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                    totalThreshold: int = 0) -> DynamicFrame:
        paths = [paths] if isinstance(paths, str) else list(paths)
        nodes = self._nodes()
        for path in paths:
            nodes, _ = C.remove_at(nodes, C.parse_path(path))
        return self._from_nodes(nodes, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def rename_field(self, oldName: str, newName: str, transformation_ctx: str = "", info: str = "",
                     stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """Rename in place; a new path under another parent moves the field there (at the end)."""
        old, new = C.parse_path(oldName), C.parse_path(newName)
        nodes = self._nodes()
        if old[:-1] == new[:-1]:
            nodes, _ = C.rewrite_at(nodes, old, lambda n: [C.Node(new[-1], n.col, n.type)])
        else:
            nodes, moved = C.remove_at(nodes, old)
            if moved is not None:
                nodes = C.insert_at(nodes, new, moved)
        return self._from_nodes(nodes, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def split_fields(self, paths: Any, name1: str, name2: str, transformation_ctx: str = "", info: str = "",
                     stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrameCollection:
        thresholds = {"stageThreshold": stageThreshold, "totalThreshold": totalThreshold}
        selected = self.select_fields(paths, **thresholds)
        rest = self.drop_fields(paths, **thresholds)
        selected.name, rest.name = name1, name2
        return DynamicFrameCollection({name1: selected, name2: rest}, self.glue_ctx)

    def split_rows(self, comparison_dict: dict, name1: str, name2: str, transformation_ctx: str = "",
                   info: str = "", stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrameCollection:
        """{name1: records meeting every comparison, name2: the others}; e.g. {"age": {">": 10, "<": 20}}."""
        nodes = self._nodes()
        conditions = []
        for path, comparisons in comparison_dict.items():
            node = C.find_node(nodes, C.parse_path(path))
            for op, value in comparisons.items():
                if op not in _COMPARATORS:
                    raise ValueError(f"Invalid comparison operator {op}, expected one of {sorted(_COMPARATORS)}")
                conditions.append(F.lit(False) if node is None else _COMPARATORS[op](node.col, value))
        condition = F.coalesce(reduce(Column.__and__, conditions), F.lit(False)) if conditions else F.lit(True)
        schema = self.schema()
        thresholds = {"stageThreshold": stageThreshold, "totalThreshold": totalThreshold}
        first = self._derive(self._df.filter(condition), schema, name1, **thresholds)
        second = self._derive(self._df.filter(~condition), schema, name2, **thresholds)
        return DynamicFrameCollection({name1: first, name2: second}, self.glue_ctx)

    def unnest(self, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
               totalThreshold: int = 0) -> DynamicFrame:
        """Structs flattened into top-level fields named `parent.child` (arrays and choices stay)."""
        return self._from_nodes(C.flatten(self._nodes()), stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def join(self, paths1: Any, paths2: Any, frame2: DynamicFrame, transformation_ctx: str = "", info: str = "",
             stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """Inner equi-join; every field of both frames is kept. A field name both frames have keeps
        frame1's field under its name and frame2's as `.name` (a name starting with a dot, to be
        addressed as `` `.name` ``), as current Glue does, keys or not."""
        paths1 = [paths1] if isinstance(paths1, str) else list(paths1)
        paths2 = [paths2] if isinstance(paths2, str) else list(paths2)
        if len(paths1) != len(paths2):
            raise ValueError("The join keys of both frames must have the same length")
        left, right = self._df.alias("__left"), frame2._df.alias("__right")
        left_nodes = O._bound_nodes(left, self.schema())
        right_nodes = O._bound_nodes(right, frame2.schema())
        condition = F.lit(True)
        for p1, p2 in zip(paths1, paths2):
            n1, n2 = C.find_node(left_nodes, C.parse_path(p1)), C.find_node(right_nodes, C.parse_path(p2))
            if n1 is None or n2 is None:
                raise ValueError(f"Join key not found: {p1 if n1 is None else p2}")
            condition = condition & (n1.col == n2.col)
        taken = {n.name for n in left_nodes}
        nodes = left_nodes + [C.Node("." + n.name, n.col, n.type) if n.name in taken else n for n in right_nodes]
        joined = left.join(right, condition, "inner")
        df = joined.select(*[n.col.alias(n.name) for n in nodes])
        return self._derive(df, C.schema_of(nodes), self.name + frame2.name, stageThreshold=stageThreshold,
                            totalThreshold=totalThreshold)

    def union(self, other_frame: DynamicFrame, transformation_ctx: str = "", info: str = "",
              stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """All records of both frames; fields are matched by name and disagreeing types become choices."""
        schema = G.mergeDataTypes(self.schema(), other_frame.schema())
        df = O._laid_out(self, schema).unionAll(O._laid_out(other_frame, schema))
        return self._derive(df, schema, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def mergeDynamicFrame(self, stage_dynamic_frame: DynamicFrame, primary_keys: list[str],
                          transformation_ctx: str = "", options: dict | None = None, info: str = "",
                          stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """Upsert: records of the staging frame replace this frame's records with the same primary keys;
        records without a match on either side are kept; duplicates are not removed."""
        if isinstance(primary_keys, str):
            primary_keys = [primary_keys]
        schema = G.mergeDataTypes(self.schema(), stage_dynamic_frame.schema())
        staged = O._laid_out(stage_dynamic_frame, schema)
        source, target = O._laid_out(self, schema).alias("__s"), staged.alias("__t")
        keys = [O._key_col(k) for k in primary_keys]
        condition = reduce(Column.__and__, [source[k] == target[k] for k in keys]) if keys else F.lit(False)
        kept = source.join(target, condition, "left_anti")
        return self._derive(kept.unionAll(staged), schema, stageThreshold=stageThreshold,
                            totalThreshold=totalThreshold)

    # -- choices ------------------------------------------------------------------------------------

    def resolveChoice(self, specs: Any = None, choice: str = "", database: str | None = None,
                      table_name: str | None = None, transformation_ctx: str = "", info: str = "",
                      stageThreshold: int = 0, totalThreshold: int = 0, catalog_id: str | None = None
                      ) -> DynamicFrame:
        """Resolve choice fields: `cast:<type>`, `project:<type>`, `make_cols`, `make_struct`,
        `match_catalog` (the type of the same column in database.table_name)."""
        if not specs and not choice:
            raise Exception("Parameter specs and option are both missing, add one.")
        if specs and choice:
            raise Exception("Parameter specs and option are both specified, choose one.")
        catalog = None
        actions = [specs] if isinstance(specs, tuple) else specs
        if choice:
            actions = [(C.format_path(p), choice) for p in O._choice_paths(self.schema(), [])]
        if any(a.strip() == "match_catalog" for _, a in actions):
            if not database or not table_name:
                raise Exception("database and table_name are required for match_catalog")
            catalog = self.glue_ctx._catalog_schema(database, table_name, catalog_id)
        frame = self
        for path, action in actions:
            frame = frame._resolve_path(C.parse_path(path), O._parse_action(action), catalog)
        return self._derive(frame._df, frame.schema(), stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def _resolve_path(self, segments: list, action: tuple[str, Any], catalog: G.StructType | None
                      ) -> DynamicFrame:
        kind, target = action
        appended: list[C.Node] = []

        def resolve(node: C.Node) -> list[C.Node]:
            if kind == "cast":
                return [C.Node(node.name, C.cast(node.col, node.type, target), target)]
            if kind == "project":
                return [C.Node(node.name, O._project(node, target), target)]
            if kind == "match_catalog":
                declared = O._catalog_type(catalog, segments)
                if declared is None or not isinstance(node.type, G.ChoiceType):
                    return [node]
                return [C.Node(node.name, C.cast(node.col, node.type, declared), declared)]
            if not isinstance(node.type, G.ChoiceType):
                return [node]
            members = node.type.members()
            if kind == "make_struct":
                return [C.Node(node.name, node.col, G.StructType([G.Field(n, m) for n, m in members]))]
            cols = [C.Node(f"{node.name}_{n}", node.col.getField(n), m) for n, m in members]
            if C.ARRAY in segments:
                return cols  # inside arrays the new fields stay together
            appended.extend(cols[1:])
            return cols[:1]

        nodes, _ = C.rewrite_at(self._nodes(), segments, resolve)
        for extra in appended:  # make_cols: the other members go to the end of the parent struct
            nodes = C.insert_at(nodes, segments[:-1] + [extra.name], extra)
        return self._from_nodes(nodes)

    # -- restructuring -------------------------------------------------------------------------------

    def relationalize(self, root_table_name: str, staging_path: str | None, options: dict | None = None,
                      transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                      totalThreshold: int = 0) -> DynamicFrameCollection:
        """Flatten into tables: structs become `a.b` columns; each array becomes its own table
        `<root>_<path>` with `id` (the key left in the parent's column), `index` and `<path>.val...`.

        `staging_path` is accepted but nothing is staged there: the tables are computed in Spark.
        """
        from awsglue._relationalize import relationalize

        tables = relationalize(self, root_table_name)
        return DynamicFrameCollection({name: self._derive(df, schema, name) for name, (df, schema) in tables.items()},
                                      self.glue_ctx)

    def unbox(self, path: str, format: str, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
              totalThreshold: int = 0, **options: Any) -> DynamicFrame:
        """Parse a string field holding `json` or `csv` into a structured field."""
        from awsglue._formats import unbox_parser

        parse = unbox_parser(format, options)
        segments = C.parse_path(path)

        def unboxed(item: dict) -> dict:
            try:
                O._update_path(item["record"], segments, parse)
            except Exception as exc:  # a value that does not parse is an error record, not a failed job
                _mark_error(item, exc)
            return item

        return self.mapPartitionsWithIndex(lambda _, items: map(unboxed, items),
                                           True, transformation_ctx, info, stageThreshold, totalThreshold)

    def spigot(self, path: str, options: dict | None = None, transformation_ctx: str = "", info: str = "",
               stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        """Write a sample (`topk` records, default 100; each kept with probability `prob`, default 1)
        as JSON to `path`, and pass the frame on unchanged."""
        options = options or {}
        sample = self._df
        prob = float(options.get("prob", 1.0))
        if prob < 1.0:
            sample = sample.sample(fraction=prob)
        sample = self._derive(sample.limit(int(options.get("topk", 100))), self.schema())
        self.glue_ctx.write_dynamic_frame_from_options(sample, "s3", {"path": path}, "json")
        return self._derive(self._df, self.schema(), stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def repartition(self, num_partitions: int, transformation_ctx: str = "", info: str = "",
                    stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        return self._derive(self._df.repartition(num_partitions), self._schema, stageThreshold=stageThreshold,
                            totalThreshold=totalThreshold)

    def coalesce(self, num_partitions: int, shuffle: bool = False, transformation_ctx: str = "", info: str = "",
                 stageThreshold: int = 0, totalThreshold: int = 0) -> DynamicFrame:
        df = self._df.repartition(num_partitions) if shuffle else self._df.coalesce(num_partitions)
        return self._derive(df, self._schema, stageThreshold=stageThreshold, totalThreshold=totalThreshold)

    def drop_null_fields(self, transformation_ctx: str = "", info: str = "", stageThreshold: int = 0,
                         totalThreshold: int = 0) -> DynamicFrame:
        """Drop fields that are null in every record (printed as `null_fields [...]`, as Glue does)."""
        paths = O._all_null_paths(self)
        print("null_fields", [C.format_path(p) for p in paths])
        return self.drop_fields([C.format_path(p) for p in paths], stageThreshold=stageThreshold,
                                totalThreshold=totalThreshold)

    def simplify_ddb_json(self) -> DynamicFrame:
        """DynamoDB JSON (`{"S": "x"}`, `{"N": "1"}`, `{"M": {...}}`...) as plain values."""
        return self.mapPartitionsWithIndex(
            lambda _, items: ({**i, "record": {k: O._ddb_value(v) for k, v in i["record"].items()}} for i in items))

    # -- writing ---------------------------------------------------------------------------------------

    def write(self, connection_type: str, connection_options: dict | None = None, format: str | None = None,
              format_options: dict | None = None, accumulator_size: int = 0) -> DynamicFrame:
        return self.glue_ctx.write_from_options(frame_or_dfc=self, connection_type=connection_type,
                                                connection_options=connection_options or {}, format=format,
                                                format_options=format_options or {},
                                                accumulator_size=accumulator_size)

    def __repr__(self) -> str:
        return f"<DynamicFrame {self.name!r}: {self.schema()}>"


# -- helpers of the transforms ---------------------------------------------------------------------------

def _build(spark: Any, items: Any, hint: G.StructType | None, schema: G.StructType | None, site: str,
           info: str) -> tuple[DataFrame, G.StructType, DataFrame]:
    """(data, schema, error records) from an RDD of `{"record", "isError", "errorMessage"}` items."""
    items = items.cache()
    good = items.filter(lambda item: not item.get("isError")).map(lambda item: item["record"])
    bad = items.filter(lambda item: item.get("isError"))
    if schema is None:
        schema = good.map(lambda rec: R.infer_record(rec, hint)).fold(G.StructType([]), R.merge_schemas)
        if hint is not None:  # records lack their null fields: keep the fields' old order, new ones after
            order = {f.name: i for i, f in enumerate(hint)}
            schema = G.StructType(sorted(schema, key=lambda f: order.get(f.name, len(order))))
    df = spark.createDataFrame(good.map(lambda rec: R.spark_row(rec, schema)), C.to_spark(schema),
                               verifySchema=False)
    errors = spark.createDataFrame(bad.map(lambda item: _error_row(item, site, info)), _ERROR_SCHEMA,
                                   verifySchema=False)
    # Computed once, here: user functions run once per record (not again for every action on the
    # result), and later actions stay in the JVM instead of going through Python workers again.
    df, errors = df.localCheckpoint(), errors.localCheckpoint()
    items.unpersist()
    return df, schema, errors


def frame_from_items(glue_ctx: Any, items: Any, name: str) -> DynamicFrame:
    """A source's frame from Python-built records (JSON, Avro); failed records are its errors."""
    df, schema, errors = _build(glue_ctx.spark_session, items, None, None, callsite(), "")
    return DynamicFrame(df, glue_ctx, name, schema, stage=_Stage(errors, 0, 0))


def _mark_error(item: dict, exc: BaseException) -> None:
    item["isError"] = True
    item["errorMessage"] = f"{type(exc).__name__}: {exc}"
    item["stackTrace"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def _error_row(item: dict, site: str, info: str) -> tuple:
    return ((item.get("errorMessage"), item.get("stackTrace"), json.dumps(item.get("record"), default=str),
             (site, info)),)


from awsglue._collections import DynamicFrameCollection, DynamicFrameReader, DynamicFrameWriter
