"""`awsglue.job.Job`: the run's lifecycle around a script (init ... commit).

`init` records the job name and the resolved arguments on the GlueContext and loads the job's
bookmark state; `commit` saves what the run's bookmarked sources read (see _bookmarks.py).
"""

from __future__ import annotations

import sys
from typing import Any

from awsglue import _bookmarks


class Job:
    @classmethod
    def continuation_options(cls) -> list[str]:
        return ["--continuation-option", "continuation-enabled", "continuation-readonly", "continuation-ignore"]

    @classmethod
    def job_bookmark_options(cls) -> list[str]:
        return ["--job-bookmark-option", "job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"]

    @classmethod
    def job_bookmark_range_options(cls) -> list[str]:
        return ["--job-bookmark-from", "--job-bookmark-to"]

    @classmethod
    def id_params(cls) -> list[str]:
        return ["--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"]

    @classmethod
    def encryption_type_options(cls) -> list[str]:
        return ["--encryption-type", "sse-s3"]

    @classmethod
    def data_lineage_options(cls) -> list[str]:
        return ["--enable-data-lineage"]

    def __init__(self, glue_context: Any):
        from awsglue.context import GlueContext
        from pyspark.sql import SparkSession

        if isinstance(glue_context, GlueContext):
            self._glue_context = glue_context
        elif isinstance(glue_context, SparkSession):
            self._glue_context = GlueContext(glue_context)
        else:
            raise Exception(f"cannot init Job instance given input parameter type: {type(glue_context)}")
        self._job_name: str | None = None
        self._args: dict[str, Any] = {}
        self._initialized = False
        self._run_id: str | None = None
        self.bookmarks = _bookmarks.Bookmarks(_bookmarks.DISABLE, {})

    def init(self, job_name: str, args: dict | None = None) -> None:
        self._job_name = job_name
        self._args = dict(args or {})
        options = _bookmarks.option_of(self._args, sys.argv)
        self._run_id = options["JOB_RUN_ID"]
        self.bookmarks = _bookmarks.Bookmarks(options["job_bookmark_option"], {})
        if self._run_id and self.bookmarks.active:  # outside a job run there is no state to load
            self.bookmarks = _bookmarks.load(self._glue_context._glue_client(), job_name,
                                             options["job_bookmark_option"], options["job_bookmark_from"],
                                             options["job_bookmark_to"])
        self._glue_context._job = self
        self._initialized = True
        self._committed = False

    def isInitialized(self) -> bool:
        return self._initialized

    @property
    def job_name(self) -> str | None:
        return self._job_name

    @property
    def args(self) -> dict[str, Any]:
        return self._args

    @property
    def bookmark_option(self) -> str:
        """The run's --job-bookmark-option (`job-bookmark-disable` unless the run says otherwise)."""
        return self.bookmarks.option

    def commit(self) -> None:
        """End of the run's work: with bookmarks enabled, the state is saved now (atomically, as on
        Glue); paused or disabled bookmarks save nothing. Outside a job run (no --JOB_RUN_ID, e.g. a
        unit test) there is nothing to save to."""
        if self.bookmarks.option == _bookmarks.ENABLE and self._run_id:
            _bookmarks.save(self._glue_context._glue_client(), self._job_name, self._run_id,
                            self.bookmarks.state_to_save())
        self._committed = True

    @property
    def committed(self) -> bool:
        return getattr(self, "_committed", False)
