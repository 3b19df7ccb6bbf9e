"""ORC: the schema and row count from the file's tail (pyarrow reads the footer, never the stripes)."""

from __future__ import annotations

from .parquet import hive_type
from .sample import PathArg
from .schema import FileSchema

MAGIC = b"ORC"
INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
SERDE = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"


def infer(path: PathArg, size: int) -> FileSchema:
    """The file's schema; raises (pyarrow's ArrowInvalid, OSError) when the tail is not ORC's."""
    from pyarrow import orc

    with open(path, "rb") as handle:
        reader = orc.ORCFile(handle)
        schema = reader.schema
        rows = reader.nrows
    return FileSchema(
        classification="orc",
        columns=[(f.name, hive_type(f.type)) for f in schema],
        serde_library=SERDE,
        input_format=INPUT_FORMAT,
        output_format=OUTPUT_FORMAT,
        serde_parameters={"serialization.format": "1"},
        records=rows,
        sample_records=rows,
        sample_bytes=size,
    )
