"""The emulator's own hands on its Iceberg tables: load one with pyiceberg and commit changes to it.

Table optimizer runs (optimizer_runs.py) and materialized-view refreshes (materialized_views.py) change Iceberg
tables as Glue's managed jobs do: a new metadata file next to the current one, then the catalog table's
metadata_location moved to it (previous_metadata_location keeping the old one), exactly what Iceberg's and
pyiceberg's Glue catalogs do with UpdateTable. The table's VersionId is the optimistic lock: a client that
committed meanwhile makes the commit fail (pyiceberg's CommitFailedException), never lose its write.

Files are read and written straight under the data dir's S3 (`LocalS3FileIO`): s3://bucket/key locations stay
what metadata and manifests record, only the bytes go to the local file.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from pyiceberg.catalog import MetastoreCatalog
from pyiceberg.catalog.noop import NoopCatalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.io.pyarrow import PyArrowFile, PyArrowFileIO
from pyiceberg.serializers import FromInputFile, ToOutputFile
from pyiceberg.table import CommitTableResponse, Table
from pyiceberg.table.update import TableRequirement, TableUpdate, update_table_metadata

from ..context import RequestContext
from ..errors import InvalidInputException
from ..s3.storage import storage
from .common import catalog_id, is_iceberg, require_table
from .iceberg import METADATA_FOLDER, local_path, table_input

# What a commit keeps of the catalog table besides what Iceberg's metadata gives (views: materialized views).
_KEPT = ("TableType", "PartitionKeys", "Retention", "ViewOriginalText", "ViewExpandedText", "ViewDefinition",
         "TargetTable", "LastAccessTime", "LastAnalyzedTime")


def s3_location(location: str) -> str:
    """s3a:// and s3n:// locations (Spark's) as s3:// ones."""
    for scheme in ("s3a://", "s3n://"):
        if location.startswith(scheme):
            return "s3://" + location[len(scheme):]
    return location


class LocalS3FileIO(PyArrowFileIO):
    """pyiceberg's FileIO over the emulator's S3 folder: s3://bucket/key is the file <data dir>/s3/bucket/key."""

    def __init__(self, ctx: RequestContext):
        super().__init__()
        self._ctx = ctx

    def local(self, location: str) -> Path:
        return local_path(self._ctx, s3_location(location))

    def new_input(self, location: str) -> PyArrowFile:
        return PyArrowFile(location=location, path=str(self.local(location)), fs=self.fs_by_scheme("file", None))

    def new_output(self, location: str) -> PyArrowFile:
        path = self.local(location)
        path.parent.mkdir(parents=True, exist_ok=True)  # Arrow's local file system makes no folders
        return PyArrowFile(location=location, path=str(path), fs=self.fs_by_scheme("file", None))

    def delete(self, location: Any) -> None:
        """Delete through the S3 layer (its object metadata goes too); nothing happens for a missing file."""
        bucket, _, key = s3_location(location if isinstance(location, str) else location.location)[5:].partition("/")
        s3 = storage(self._ctx)
        s3.delete(s3.layout.locate(bucket, key))


class _CatalogTable(NoopCatalog):
    """The one-table catalog pyiceberg commits through: writes the new metadata file, then moves the catalog
    table to it under its VersionId (CommitFailedException when the table changed meanwhile)."""

    def __init__(self, ctx: RequestContext, catalog: str, table: dict[str, Any]):
        super().__init__("glue-emulator")
        self._ctx, self._catalog, self._table = ctx, catalog, table

    def commit_table(self, table: Table, requirements: tuple[TableRequirement, ...],
                     updates: tuple[TableUpdate, ...]) -> CommitTableResponse:
        from .tables import update_table

        for requirement in requirements:
            requirement.validate(table.metadata)
        metadata = update_table_metadata(table.metadata, updates)
        version = MetastoreCatalog._parse_metadata_version(table.metadata_location) + 1
        location = f"{metadata.location.rstrip('/')}/{METADATA_FOLDER}/{version:05d}-{uuid.uuid4()}.metadata.json"
        ToOutputFile.table_metadata(metadata, table.io.new_output(location))
        current = self._table
        spec = table_input(current["Name"], current["StorageDescriptor"]["Location"], location, metadata, current)
        spec["Parameters"]["previous_metadata_location"] = table.metadata_location
        spec.update({m: current[m] for m in _KEPT if m in current})
        try:
            update_table(self._ctx, {"CatalogId": self._catalog, "DatabaseName": current["DatabaseName"],
                                     "TableInput": spec, "VersionId": current["VersionId"]})
        except Exception as exc:  # the table changed (ConcurrentModificationException) or went away
            table.io.delete(location)
            raise CommitFailedException(f"The table changed during the commit: {exc}") from exc
        self._table = require_table(self._ctx, self._catalog, current["DatabaseName"], current["Name"])
        return CommitTableResponse(metadata=metadata, metadata_location=location)


def load_table(ctx: RequestContext, params: dict[str, Any]) -> Table:
    """The pyiceberg Table of a catalog's Iceberg table (params: CatalogId?, DatabaseName, TableName).

    EntityNotFoundException for a missing database or table, InvalidInputException for one that is not Iceberg.
    """
    catalog = catalog_id(ctx, params)
    doc = require_table(ctx, catalog, params["DatabaseName"], params["TableName"])
    if not is_iceberg(doc):
        raise InvalidInputException(f"Table {doc['Name']} is not an Iceberg table.")
    io = LocalS3FileIO(ctx)
    location = doc["Parameters"]["metadata_location"]
    metadata = FromInputFile.table_metadata(io.new_input(location))
    return Table((doc["DatabaseName"], doc["Name"]), metadata, location, io, _CatalogTable(ctx, catalog, doc))
