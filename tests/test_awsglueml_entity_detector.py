"""awsglueml's EntityDetector on in-process Spark: managed types by regex, the catalog's custom entity types (read
from a live emulator), fine-grained actions, column classification, and Glue Studio's masking code on its output."""

from __future__ import annotations

from typing import Any

import pytest

ROWS = [
    {"id": 1, "note": "mail ann@example.com or call (206) 555-0100", "card": "4111 1111 1111 1111"},
    {"id": 2, "note": "ssn 123-45-6789, employee EMP-123456", "card": "4111 1111 1111 1112"},  # fails Luhn
    {"id": 3, "note": "nothing here", "card": None},
]


@pytest.fixture
def frame(glue_context: Any) -> Any:
    from awsglue.dynamicframe import DynamicFrame

    df = glue_context.spark_session.createDataFrame(ROWS, "id long, note string, card string")
    return DynamicFrame.fromDF(df, glue_context, "people")


@pytest.fixture
def catalog(glue_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The job's view of the emulator: boto3 clients of the driver reach it, as in a job run."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", glue_emulator.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return glue_emulator.glue


def _detected(frame: Any, column: str = "DetectedEntities") -> dict[int, dict[str, list[tuple[str, int, int]]]]:
    return {row["id"]: {name: [(span["entityType"], span["start"], span["end"]) for span in spans]
                        for name, spans in row[column].items()}
            for row in frame.toDF().collect()}


def test_managed_types_are_found_with_their_spans(frame):
    from awsglueml.transforms import EntityDetector

    detected = _detected(EntityDetector().detect(frame, ["EMAIL", "PHONE_NUMBER", "USA_SSN", "CREDIT_CARD"],
                                                 "DetectedEntities"))
    assert detected[1] == {"note": [("EMAIL", 5, 20), ("PHONE_NUMBER", 29, 43)], "card": [("CREDIT_CARD", 0, 19)]}
    assert detected[2] == {"note": [("USA_SSN", 4, 15)]}  # the card number fails the Luhn check
    assert detected[3] == {}


def test_glue_studio_masking_code_runs_on_the_output(frame):
    """The masking Glue Studio generates for 'Detect PII in each cell' (a UDF replacing each span)."""
    from awsglueml.transforms import EntityDetector
    from pyspark.sql.functions import lit, udf
    from pyspark.sql.types import StringType

    detected_df = EntityDetector().detect(frame, ["EMAIL", "USA_SSN"], "DetectedEntities")

    def row_pii(column_name, original_cell_value, detected_entities):
        if column_name in detected_entities.keys():  # noqa: SIM118 (as Studio writes it: a map column is a dict)
            for entity in sorted(detected_entities[column_name], key=lambda e: e["end"], reverse=True):
                original_cell_value = (original_cell_value[:entity["start"]] + "XXXXXXX"
                                       + original_cell_value[entity["end"]:])
        return original_cell_value

    row_pii_udf = udf(row_pii, StringType())
    masked = detected_df.toDF().withColumn("note", row_pii_udf(lit("note"), "note", "DetectedEntities"))
    notes = {row["id"]: row["note"] for row in masked.collect()}
    assert notes == {1: "mail XXXXXXX or call (206) 555-0100", 2: "ssn XXXXXXX, employee EMP-123456",
                     3: "nothing here"}


def test_custom_entity_types_come_from_the_catalog_with_their_context_words(frame, catalog):
    from awsglueml.transforms import EntityDetector

    catalog.create_custom_entity_type(Name="EMPLOYEE_ID", RegexString=r"EMP-\d{6}", ContextWords=["employee"])
    catalog.create_custom_entity_type(Name="BADGE", RegexString=r"EMP-\d{6}", ContextWords=["badge"])
    detected = _detected(EntityDetector().detect(frame, ["EMPLOYEE_ID", "BADGE"], "Found"), "Found")
    # "employee" is within reach of the match, "badge" is nowhere: only EMPLOYEE_ID counts.
    assert detected[2] == {"note": [("EMPLOYEE_ID", 26, 36)]}
    assert detected[1] == {}


def test_a_type_glue_finds_with_machine_learning_finds_nothing_and_says_so(frame, catalog, capsys):
    from awsglueml.transforms import EntityDetector

    detected = _detected(EntityDetector().detect(frame, ["EMAIL", "PERSON_NAME"], "DetectedEntities"))
    assert detected[1] == {"note": [("EMAIL", 5, 20)]}
    assert "does not detect PERSON_NAME" in capsys.readouterr().err


def test_fine_grained_actions_redact_hash_and_respect_columns(frame):
    import hashlib

    from awsglueml.transforms import EntityDetector

    parameters = {
        "EMAIL": [{"action": "REDACT", "sourceColumns": ["note"], "actionOptions": {"redactText": "[email]"}}],
        "USA_SSN": [{"action": "SHA256_HASH", "sourceColumns": ["note"]}],
        "CREDIT_CARD": [{"action": "DETECT", "sourceColumnsToExclude": ["card"]}],
    }
    rows = {row["id"]: row for row in EntityDetector().detect(frame, parameters, "DetectedEntities", "HIGH")
            .toDF().collect()}
    assert rows[1]["note"] == "mail [email] or call (206) 555-0100"
    assert rows[2]["note"] == f"ssn {hashlib.sha256(b'123-45-6789').hexdigest()}, employee EMP-123456"
    assert rows[1]["card"] == "4111 1111 1111 1111"  # excluded from CREDIT_CARD, so not even detected
    assert dict(rows[1]["DetectedEntities"]).keys() == {"note"}
    assert list(rows[1].asDict()) == ["id", "note", "card", "DetectedEntities"]


def test_classify_columns_names_the_columns_holding_each_type(frame):
    from awsglueml.transforms import EntityDetector

    classified = EntityDetector().classify_columns(frame, ["EMAIL", "USA_SSN", "CREDIT_CARD"], 1.0, 0.1)
    assert classified == {"note": ["EMAIL", "USA_SSN"], "card": ["CREDIT_CARD"]}
    assert EntityDetector().classify_columns(frame, ["EMAIL"], 1.0, 0.5) == {}  # 1 row in 3 is under half
