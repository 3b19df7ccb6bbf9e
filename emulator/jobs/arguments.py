"""A run's arguments: Glue's merge, the arguments Glue adds, and the ones Glue itself consumes.

Merge (key by key): NonOverridableArguments > the run's Arguments > DefaultArguments. Glue then
passes every argument to the script as `--key value` pairs in sys.argv, plus its own `--JOB_ID`,
`--JOB_RUN_ID`, `--JOB_NAME` (and `--WORKFLOW_NAME`/`--WORKFLOW_RUN_ID` in a workflow, and
`--job-bookmark-option` for Spark jobs), which a user cannot override.

Arguments Glue consumes: `--scriptLocation`, `--extra-py-files`, `--extra-jars`, `--additional-python-modules`,
`--conf`, `--custom-logGroup-prefix`. S3 paths name files of the local S3 (data_dir/s3/bucket/key).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import re
from pathlib import Path
from typing import Any

_S3_URI = re.compile(r"^s3[an]?://([^/]+)/(.*)$")
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:(==|~=|!=|<=|>=|<|>|===)\s*(\S+))?$")
_CONF_SPLIT = re.compile(r"\s*--conf\s+")
# --datalake-formats iceberg: the jars Glue adds for it (Spark 3.5, Scala 2.12), as file name globs.
_ICEBERG_JARS = {"iceberg-spark-runtime-3.5_2.12": "iceberg-spark-runtime-3.5_2.12-*.jar",
                 "iceberg-aws-bundle": "iceberg-aws-bundle-*.jar"}


class RunSetupError(Exception):
    """The run cannot start; its message becomes the run's ErrorMessage and the run ends FAILED."""


def merge(job: dict[str, Any], run_arguments: dict[str, str] | None) -> dict[str, str]:
    return {**job.get("DefaultArguments", {}), **(run_arguments or {}), **job.get("NonOverridableArguments", {})}


def job_id(scope: str, job: dict[str, Any]) -> str:
    """A stable id for a job definition, shaped as Glue's (`j_` + 64 hex): --JOB_ID's value."""
    return "j_" + hashlib.sha256(f"{scope}/{job['Name']}/{job['CreatedOn']}".encode()).hexdigest()


def glue_added(
    job: dict[str, Any], run_id: str, scope: str, workflow: tuple[str, str] | None = None
) -> dict[str, str]:
    """The arguments Glue itself passes to every run (workflow = (name, workflow run id))."""
    added = {"--JOB_ID": job_id(scope, job), "--JOB_RUN_ID": run_id, "--JOB_NAME": job["Name"]}
    if workflow is not None:
        added["--WORKFLOW_NAME"], added["--WORKFLOW_RUN_ID"] = workflow
    return added


def run_arguments(
    job: dict[str, Any], given: dict[str, str] | None, run_id: str, scope: str, workflow: tuple[str, str] | None
) -> dict[str, str]:
    """Everything the script receives, in the order it appears in sys.argv.

    No --TempDir is invented: Glue passes one when the job or the run sets it (its console sets
    one by default, the API does not), and getResolvedOptions then reports None, as on Glue.
    """
    arguments = {**glue_added(job, run_id, scope, workflow), **merge(job, given)}
    arguments.update(glue_added(job, run_id, scope, workflow))  # Glue's own values win
    if job["Command"]["Name"] in ("glueetl", "gluestreaming"):  # Spark jobs; bookmarks are off by default
        arguments.setdefault("--job-bookmark-option", "job-bookmark-disable")
    return arguments


def argv(script: Path, arguments: dict[str, str]) -> list[str]:
    """sys.argv as Glue builds it: the script, then `--key value` pairs."""
    result = [str(script)]
    for key, value in arguments.items():
        result += [key, value]
    return result


def local_s3_path(data_dir: Path, uri: str, what: str) -> Path:
    """The local file behind an s3:// (s3a://, s3n://) URI, refusing paths that leave their bucket."""
    match = _S3_URI.match(uri)
    if match is None or not match.group(2):
        raise RunSetupError(f"{what} {uri!r} is not an S3 object path (s3://bucket/key)")
    bucket, key = match.groups()
    buckets = (data_dir / "s3").resolve()
    root = (buckets / bucket).resolve()
    path = (root / key).resolve()
    if root.parent != buckets or not path.is_relative_to(root) or path == root:
        raise RunSetupError(f"{what} {uri!r} is not a valid S3 object path")
    if not path.is_file():
        raise RunSetupError(f"{what} {uri} does not exist in the local S3")
    return path


def script_path(data_dir: Path, job: dict[str, Any], arguments: dict[str, str]) -> Path:
    """The script: --scriptLocation when given (it overrides Command.ScriptLocation), as a local file."""
    location = arguments.get("--scriptLocation") or job["Command"].get("ScriptLocation")
    if not location:
        raise RunSetupError("The job has no script: set Command.ScriptLocation")
    return local_s3_path(data_dir, location, "Script")


def _listed(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def extra_py_files(data_dir: Path, arguments: dict[str, str]) -> list[Path]:
    uris = _listed(arguments.get("--extra-py-files"))
    return [local_s3_path(data_dir, uri, "--extra-py-files entry") for uri in uris]


def extra_jars(data_dir: Path, arguments: dict[str, str]) -> list[Path]:
    """--extra-jars: comma-separated S3 paths of jar files that Glue puts on the driver's and executors' classpath
    (AWS's job parameters reference); each as its local file, RunSetupError when one is missing."""
    return [local_s3_path(data_dir, uri, "--extra-jars entry") for uri in _listed(arguments.get("--extra-jars"))]


def spark_conf(arguments: dict[str, str]) -> dict[str, str]:
    """`--conf k=v` (and Glue's idiom `k1=v1 --conf k2=v2` in one value) as a Spark conf dict."""
    conf: dict[str, str] = {}
    for item in _CONF_SPLIT.split(arguments.get("--conf", "").strip()):
        key, sep, value = item.strip().partition("=")
        if key and sep:
            conf[key.strip()] = value.strip()
    return conf


def check_python_modules(arguments: dict[str, str]) -> None:
    """--additional-python-modules: nothing can be downloaded here, so each must be installed already.

    A bare name needs the distribution installed; `name==version` needs that exact version. Other
    version operators are accepted when the distribution is installed (not compared), and wheels
    from S3 are refused (the emulator installs nothing).
    """
    unavailable = []
    for item in _listed(arguments.get("--additional-python-modules")):
        match = _REQUIREMENT.match(item)
        if match is None:
            unavailable.append(item)
            continue
        name, operator, version = match.groups()
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            unavailable.append(item)
            continue
        if operator in ("==", "===") and installed != version:
            unavailable.append(f"{item} (installed: {installed})")
    if unavailable:
        raise RunSetupError(
            "--additional-python-modules: cannot install " + ", ".join(unavailable) + ": glue-emulator runs offline "
            "and installs no packages; only modules already installed in its Python environment can be used"
        )


def check_datalake_formats(command: str, arguments: dict[str, str]) -> None:
    """--datalake-formats iceberg (Spark jobs): Glue puts Iceberg's Spark runtime and AWS bundle on the
    classpath. No package reachable offline ships them, so a run asking for Iceberg fails, naming the
    jars and where to put them, unless they are in PySpark's jars folder (on every driver's classpath)."""
    if command not in ("glueetl", "gluestreaming") or "iceberg" not in _listed(
            arguments.get("--datalake-formats", "").lower()):
        return
    spec = importlib.util.find_spec("pyspark")
    jars = Path(spec.origin).parent / "jars" if spec is not None and spec.origin else None
    missing = [name for name, pattern in _ICEBERG_JARS.items() if jars is None or not any(jars.glob(pattern))]
    if missing:
        raise RunSetupError(
            f"--datalake-formats iceberg: the Iceberg jars {' and '.join(missing)} are missing: glue-emulator "
            "runs offline and ships no Iceberg Spark runtime. With network access, download "
            "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12 and org.apache.iceberg:iceberg-aws-bundle (one "
            f"Iceberg version) from Maven Central into {jars or 'the jars folder of PySpark'} and restart the "
            "emulator; or read and write Iceberg tables with pyiceberg in a pythonshell job."
        )
