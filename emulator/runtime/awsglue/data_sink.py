"""`awsglue.data_sink.DataSink`: what getSink returns; S3 sinks append files with Glue's options."""

from __future__ import annotations

from typing import Any

from awsglue import _formats, _jdbc


class DataSink:
    def __init__(self, glue_context: Any, connection_type: str, options: dict, transformation_ctx: str = ""):
        self._glue_context = glue_context
        self._connection_type = connection_type.lower()
        self._options = dict(options)
        self._transformation_ctx = transformation_ctx
        self._format: str | None = None
        self._format_options: dict = {}
        self._accumulable_size = 0
        self._catalog: Any = None  # the _catalog.CatalogTarget of setCatalogInfo
        self.written: list[str] = []  # the files the last write created

    def setFormat(self, format: str, **options: Any) -> None:
        self._format = format
        self._format_options = dict(options)

    def setAccumulableSize(self, size: int) -> None:
        self._accumulable_size = size

    def setCatalogInfo(self, catalogDatabase: str, catalogTableName: str, catalogId: str = "") -> None:
        """The table that writes register in when the sink has `enableUpdateCatalog` (see _catalog.py)."""
        from awsglue._catalog import UPDATE_IN_DATABASE, CatalogTarget

        self._catalog = CatalogTarget(catalogDatabase, catalogTableName, catalogId or None,
                                      self._options.get("updateBehavior") or UPDATE_IN_DATABASE)

    def writeFrame(self, dynamic_frame: Any, info: str = "") -> Any:
        from awsglue.dynamicframe import DynamicFrame

        if _jdbc.is_jdbc(self._connection_type):
            _jdbc.write_frame(self._glue_context, dynamic_frame, self._connection_type, self._options)
            return DynamicFrame(dynamic_frame.errorsAsDynamicFrame()._df.limit(0), self._glue_context,
                                dynamic_frame.name + "_errors")
        if self._connection_type != "s3":
            raise ValueError(f"Connection type '{self._connection_type}' is not supported by the glue-emulator's "
                             "awsglue library (S3 and JDBC sinks only)")
        path = self._options.get("path")
        if not path:
            raise ValueError("connection_options must contain 'path' for an S3 sink")
        fmt = self._format or self._options.get("format")
        keys = self._options.get("partitionKeys")
        self.written = _formats.write(dynamic_frame, path, fmt, self._format_options, keys,
                                      self._options.get("compression"), self._transformation_ctx)
        if self._catalog is not None and _formats.flag(self._options, "enableUpdateCatalog"):
            self._catalog.register(self._glue_context, dynamic_frame, path, _formats.normalize_format(fmt),
                                   {"compression": self._options.get("compression"), **self._format_options},
                                   list(keys or []), self.written)
        errors = dynamic_frame.errorsAsDynamicFrame()
        return DynamicFrame(errors._df.limit(0), self._glue_context, dynamic_frame.name + "_errors")

    def writeDataFrame(self, data_frame: Any, glue_context: Any, info: str = "") -> Any:
        from awsglue.dynamicframe import DynamicFrame

        return self.writeFrame(DynamicFrame.fromDF(data_frame, glue_context, ""), info)

    def write(self, dynamic_frame_or_dfc: Any, info: str = "") -> Any:
        from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection

        if isinstance(dynamic_frame_or_dfc, DynamicFrame):
            return self.writeFrame(dynamic_frame_or_dfc, info)
        if isinstance(dynamic_frame_or_dfc, DynamicFrameCollection):
            results = {}
            base = self._options.get("path", "")
            for name, frame in dynamic_frame_or_dfc._df_dict.items():
                if self._options.get("useFrameName") and base:
                    self._options["path"] = base.rstrip("/") + "/" + name
                results[name] = self.writeFrame(frame, info)
            self._options["path"] = base
            return DynamicFrameCollection(results, self._glue_context)
        raise TypeError(f"dynamic_frame_or_dfc must be DynamicFrame or DynamicFrameCollection. Got "
                        f"{type(dynamic_frame_or_dfc)}")
