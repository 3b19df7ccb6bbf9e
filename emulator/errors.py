"""AWS errors as exceptions: handlers raise them, the protocol layer renders them as AWS does."""

from __future__ import annotations

from typing import Any


class AwsError(Exception):
    """An error a client sees: its code becomes `__type`, so botocore raises the class of that name."""

    code = "InternalServiceException"
    status = 400

    def __init__(self, message: str, code: str | None = None, status: int | None = None, **fields: Any):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = fields


def _error(code: str, status: int = 400) -> type[AwsError]:
    return type(code, (AwsError,), {"code": code, "status": status})


EntityNotFoundException = _error("EntityNotFoundException")
AlreadyExistsException = _error("AlreadyExistsException")
InvalidInputException = _error("InvalidInputException")
ValidationException = _error("ValidationException")
ConcurrentModificationException = _error("ConcurrentModificationException")
ConcurrentRunsExceededException = _error("ConcurrentRunsExceededException")
ResourceNumberLimitExceededException = _error("ResourceNumberLimitExceededException")
OperationNotSupportedException = _error("OperationNotSupportedException")
AccessDeniedException = _error("AccessDeniedException")
OperationTimeoutException = _error("OperationTimeoutException")
IllegalWorkflowStateException = _error("IllegalWorkflowStateException")
IllegalBlueprintStateException = _error("IllegalBlueprintStateException")
IllegalSessionStateException = _error("IllegalSessionStateException")
CrawlerRunningException = _error("CrawlerRunningException")
CrawlerNotRunningException = _error("CrawlerNotRunningException")
CrawlerStoppingException = _error("CrawlerStoppingException")
SchedulerTransitioningException = _error("SchedulerTransitioningException")
SchedulerRunningException = _error("SchedulerRunningException")
SchedulerNotRunningException = _error("SchedulerNotRunningException")
NoScheduleException = _error("NoScheduleException")
SerializationException = _error("SerializationException")
UnknownOperationException = _error("UnknownOperationException")
InternalServiceException = _error("InternalServiceException", 500)
# Answered for operations that exist in the model but that the emulator does not implement yet:
# a 4xx so SDKs do not retry it.
NotImplementedOperation = _error("NotImplementedException", 501)
RequestEntityTooLargeException = _error("RequestEntityTooLargeException", 413)
