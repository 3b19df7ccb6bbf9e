"""`EntityDetector`, as Glue's `awsglueml.transforms` has it (the "Detect Sensitive Data" node of Glue Studio).

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-sensitive-data-example.html

    EntityDetector().detect(frame, entity_types, output_column_name="DetectedEntities", detection_sensitivity="LOW")
        -> the frame plus `output_column_name`: map<column, array<struct<entityType, start, end>>> per row, the
           spans found in each top-level column (values of atomic types are read as text); {} for a clean row.
    EntityDetector().detect(frame, detection_parameters, output_column_name, detection_sensitivity)
        -> the same, with fine-grained actions: detection_parameters maps an entity type to a list of
           {"action": "DETECT" | "REDACT" | "SHA256_HASH", "sourceColumns": [...], "sourceColumnsToExclude": [...],
            "actionOptions": {"redactText": "..."}}; REDACT replaces each span with redactText ("*******" by
           default), SHA256_HASH with the span's SHA-256 hex digest; DETECT only reports.
    EntityDetector().classify_columns(frame, entity_types, sample_fraction=0.1, threshold_fraction=0.1,
                                      detection_sensitivity="LOW")
        -> {column: [entity types]}: the types found in more than threshold_fraction of a sample of the rows.

Which entity types are found, and how, is _entities.py: a type found only with machine learning on Glue (PERSON_NAME)
is reported in the job's error log and finds nothing. detection_sensitivity is accepted: Glue's HIGH mode adds
model-based finds that regular expressions do not make. PARTIAL_REDACT and other actions raise ValueError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from awsglue.dynamicframe import DynamicFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, IntegerType, MapType, StringType, StructField, StructType

from .._entities import EntityType, resolve

_SPAN = StructType([StructField("entityType", StringType()), StructField("start", IntegerType()),
                    StructField("end", IntegerType())])
DETECTIONS = MapType(StringType(), ArrayType(_SPAN))
_ACTIONS = ("DETECT", "REDACT", "SHA256_HASH")
DEFAULT_REDACT_TEXT = "*******"


def _text_columns(frame: DynamicFrame) -> tuple[Any, list[str]]:
    """The frame's DataFrame and its top-level columns of atomic types (the ones detection reads)."""
    df = frame.toDF()
    nested = (StructType, ArrayType, MapType)
    return df, [field.name for field in df.schema.fields if not isinstance(field.dataType, nested)]


def _scan(types: list[tuple[EntityType, set[str] | None]], columns: list[str], values: list[Any]
          ) -> dict[str, list[tuple[EntityType, int, int]]]:
    """{column: [(type, start, end)]} of one row; `types` pairs each type with the columns it reads (None: all)."""
    found: dict[str, list[tuple[EntityType, int, int]]] = {}
    for column, value in zip(columns, values):
        if value is None:
            continue
        text = str(value)
        for entity, only in types:
            if only is not None and column not in only:
                continue
            for start, end in entity.find(text, column):
                found.setdefault(column, []).append((entity, start, end))
    return found


def _as_detections(found: dict[str, list[tuple[EntityType, int, int]]]) -> dict[str, list[tuple[str, int, int]]]:
    return {column: [(entity.name, start, end) for entity, start, end in sorted(spans, key=lambda s: s[1])]
            for column, spans in found.items()}


class EntityDetector:
    """Finds managed and custom entity types in a DynamicFrame's rows (see the module docstring)."""

    def detect(self, frame: DynamicFrame, entity_types_or_parameters: list[str] | dict[str, Any],
               output_column_name: str = "DetectedEntities", detection_sensitivity: str = "LOW") -> DynamicFrame:
        if isinstance(entity_types_or_parameters, dict):
            return self._detect_with_actions(frame, entity_types_or_parameters, output_column_name)
        types = [(entity, None) for entity in resolve(list(entity_types_or_parameters))]
        df, columns = _text_columns(frame)

        def detections(*values: Any) -> dict[str, list[tuple[str, int, int]]]:
            return _as_detections(_scan(types, columns, list(values)))

        udf = F.udf(detections, DETECTIONS)
        result = df.withColumn(output_column_name, udf(*[F.col(f"`{c}`") for c in columns]) if columns
                               else F.create_map().cast(DETECTIONS))
        return DynamicFrame.fromDF(result, frame.glue_ctx, frame.name)

    def _detect_with_actions(self, frame: DynamicFrame, parameters: dict[str, Any],
                             output_column_name: str) -> DynamicFrame:
        resolved = {entity.name: entity for entity in resolve(list(parameters))}
        df, columns = _text_columns(frame)
        plans: list[tuple[EntityType, set[str] | None, str, dict[str, Any]]] = []
        for name, specs in parameters.items():
            for spec in specs if isinstance(specs, list) else [specs]:
                action = spec.get("action", "DETECT")
                if action not in _ACTIONS:
                    raise ValueError(f"Action {action} of {name} is not supported by glue-emulator; supported: "
                                     f"{', '.join(_ACTIONS)}.")
                if name not in resolved:  # a type not detected here (see resolve): nothing to act on
                    continue
                wanted = set(spec.get("sourceColumns") or columns) - set(spec.get("sourceColumnsToExclude") or [])
                plans.append((resolved[name], wanted, action, spec.get("actionOptions") or {}))
        types = [(entity, wanted) for entity, wanted, _, _ in plans]
        action_of = {(entity.name, frozenset(wanted)): (action, options) for entity, wanted, action, options in plans}
        output = StructType([StructField("detections", DETECTIONS),
                             *[StructField(f"c{index}", StringType()) for index in range(len(columns))]])

        def act(*values: Any) -> tuple[Any, ...]:
            found = _scan(types, columns, list(values))
            rewritten = [None if value is None else str(value) for value in values]
            for index, column in enumerate(columns):
                # Right to left, so earlier spans keep their offsets while later ones are replaced.
                for entity, start, end in sorted(found.get(column, []), key=lambda s: s[1], reverse=True):
                    action, options = next(v for (name, wanted), v in action_of.items()
                                           if name == entity.name and column in wanted)
                    replace = _replacement(action, options)
                    if replace is not None:
                        text = rewritten[index]
                        rewritten[index] = text[:start] + replace(text[start:end]) + text[end:]
            return (_as_detections(found), *rewritten)

        udf = F.udf(act, output)
        acted = df.withColumn("__detected", udf(*[F.col(f"`{c}`") for c in columns]))
        changed = {column for _, wanted, action, _ in plans if action != "DETECT" for column in wanted}
        selected = [F.col(f"__detected.c{index}").alias(column) if column in changed else F.col(f"`{column}`")
                    for index, column in enumerate(columns)]
        others = [F.col(f"`{c}`") for c in df.columns if c not in columns]
        result = acted.select(*selected, *others, F.col("__detected.detections").alias(output_column_name))
        return DynamicFrame.fromDF(result.select(*df.columns, output_column_name), frame.glue_ctx, frame.name)

    def classify_columns(self, frame: DynamicFrame, entity_types: list[str], sample_fraction: float = 0.1,
                         threshold_fraction: float = 0.1, detection_sensitivity: str = "LOW") -> dict[str, list[str]]:
        """{column: entity types found in more than threshold_fraction of the sampled rows}."""
        types = [(entity, None) for entity in resolve(list(entity_types))]
        df, columns = _text_columns(frame)
        sample = df.select(*[F.col(f"`{c}`") for c in columns])
        if sample_fraction < 1.0:
            sample = sample.sample(fraction=sample_fraction, seed=0)
        rows = sample.collect()
        if not rows:
            return {}
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            for column, spans in _scan(types, columns, list(row)).items():
                for name in {entity.name for entity, _, _ in spans}:
                    counts.setdefault(column, {}).setdefault(name, 0)
                    counts[column][name] += 1
        return {column: sorted(name for name, count in found.items() if count / len(rows) > threshold_fraction)
                for column, found in counts.items()
                if any(count / len(rows) > threshold_fraction for count in found.values())}


def _replacement(action: str, options: dict[str, Any]) -> Callable[[str], str] | None:
    if action == "REDACT":
        text = options.get("redactText", DEFAULT_REDACT_TEXT)
        return lambda _span: text
    if action == "SHA256_HASH":
        return lambda span: hashlib.sha256(span.encode()).hexdigest()
    return None
