"""Source control of jobs: UpdateJobFromSourceControl, UpdateSourceControlFromJob.

On AWS these pull a job's script and definition from a Git repository (GitHub, GitLab, Bitbucket, CodeCommit)
or push them to one (https://docs.aws.amazon.com/glue/latest/dg/edit-job-add-source.html). No Git provider
is reachable from the emulator, so after the request is checked as AWS checks it, both fail with
OperationTimeoutException naming the provider: nothing is read, written or changed.

Checks, in order: JobName is required (InvalidInputException); UpdateSourceControlFromJob needs an existing job
(EntityNotFoundException); members left out are taken from the job's SourceControlDetails when it has them;
then Provider, RepositoryName and (except for AWS_CODE_COMMIT) RepositoryOwner are required, BranchName and
CommitId exclude each other, and the PERSONAL_ACCESS_TOKEN and AWS_SECRETS_MANAGER strategies need an AuthToken
(each InvalidInputException).
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import InvalidInputException, OperationTimeoutException
from .definitions import JOB, require_job

# Request members and the SourceControlDetails members they default from.
_DEFAULTED = {"Provider": "Provider", "RepositoryName": "Repository", "RepositoryOwner": "Owner",
              "BranchName": "Branch", "Folder": "Folder", "CommitId": "LastCommitId",
              "AuthStrategy": "AuthStrategy", "AuthToken": "AuthToken"}


def _settled(ctx: RequestContext, params: dict[str, Any], job_must_exist: bool) -> dict[str, Any]:
    """The request with the job's SourceControlDetails filled in; InvalidInputException/EntityNotFoundException
    as the module docstring lists."""
    name = params.get("JobName")
    if not name:
        raise InvalidInputException("JobName is required.")
    job = require_job(ctx, name) if job_must_exist else ctx.store.get(ctx.scope, JOB, "", name)
    details = (job or {}).get("SourceControlDetails") or {}
    request = {member: params.get(member) or details.get(source) for member, source in _DEFAULTED.items()}
    if not request["Provider"]:
        raise InvalidInputException("Provider is required (the job has no SourceControlDetails to take it from).")
    required = ["RepositoryName"] + ([] if request["Provider"] == "AWS_CODE_COMMIT" else ["RepositoryOwner"])
    missing = [member for member in required if not request[member]]
    if missing:
        raise InvalidInputException(f"{' and '.join(missing)} required for provider {request['Provider']}.")
    if params.get("BranchName") and params.get("CommitId"):
        raise InvalidInputException("BranchName and CommitId cannot both be given.")
    if request["AuthStrategy"] in ("PERSONAL_ACCESS_TOKEN", "AWS_SECRETS_MANAGER") and not request["AuthToken"]:
        raise InvalidInputException(f"AuthStrategy {request['AuthStrategy']} requires an AuthToken.")
    return request


def _unreachable(request: dict[str, Any]) -> OperationTimeoutException:
    where = "/".join(part for part in (request["RepositoryOwner"], request["RepositoryName"]) if part)
    return OperationTimeoutException(
        f"Could not reach {request['Provider']} repository {where}: glue-emulator runs offline and no Git provider "
        "is reachable from it. Nothing was synchronized."
    )


def update_job_from_source_control(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Would pull the job from its repository: checked, then OperationTimeoutException (no provider is reachable)."""
    raise _unreachable(_settled(ctx, params, job_must_exist=False))


def update_source_control_from_job(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Would push the job to its repository: checked, then OperationTimeoutException (no provider is reachable)."""
    raise _unreachable(_settled(ctx, params, job_must_exist=True))
