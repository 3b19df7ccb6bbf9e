"""S3's errors, with the codes, statuses and default messages S3 answers.

They are AwsErrors like Glue's, so the protocol layer renders any of them; S3 adds its own codes
(NoSuchBucket, NoSuchKey, ...) that emulator/errors.py, being about awsJson services, does not know.
Extra fields (BucketName, Key, ...) become elements of the XML <Error> document, as S3 sends them.
"""

from __future__ import annotations

from typing import Any

from ..errors import AwsError


def _s3_error(code: str, status: int, default_message: str) -> type[AwsError]:
    def __init__(self: AwsError, message: str | None = None, **fields: Any) -> None:
        AwsError.__init__(self, message or default_message, **fields)

    return type(code, (AwsError,), {"code": code, "status": status, "__init__": __init__})


NoSuchBucket = _s3_error("NoSuchBucket", 404, "The specified bucket does not exist")
NoSuchKey = _s3_error("NoSuchKey", 404, "The specified key does not exist.")
NoSuchUpload = _s3_error(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted"
    " or completed.",
)
BucketNotEmpty = _s3_error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
BucketAlreadyExists = _s3_error(
    "BucketAlreadyExists",
    409,
    "The requested bucket name is not available. The bucket namespace is shared by all users of the system."
    " Please select a different name and try again.",
)
BucketAlreadyOwnedByYou = _s3_error(
    "BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it."
)
InvalidBucketName = _s3_error("InvalidBucketName", 400, "The specified bucket is not valid.")
IllegalLocationConstraintException = _s3_error(
    "IllegalLocationConstraintException",
    400,
    "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
)
InvalidLocationConstraint = _s3_error("InvalidLocationConstraint", 400, "The specified location-constraint is not valid")
KeyTooLongError = _s3_error("KeyTooLongError", 400, "Your key is too long")
InvalidArgument = _s3_error("InvalidArgument", 400, "Invalid Argument")
InvalidRequest = _s3_error("InvalidRequest", 400, "Invalid Request")
InvalidURI = _s3_error("InvalidURI", 400, "Couldn't parse the specified URI.")
InvalidRange = _s3_error("InvalidRange", 416, "The requested range is not satisfiable")
InvalidPartNumber = _s3_error("InvalidPartNumber", 416, "The requested partnumber is not satisfiable")
InvalidStorageClass = _s3_error("InvalidStorageClass", 400, "The storage class you specified is not valid")
PreconditionFailed = _s3_error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
NotModified = _s3_error("NotModified", 304, "Not Modified")
XAmzContentSHA256Mismatch = _s3_error(
    "XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed."
)
BadDigest = _s3_error("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
InvalidDigest = _s3_error("InvalidDigest", 400, "The Content-MD5 you specified is not valid.")
IncompleteBody = _s3_error(
    "IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header"
)
RequestTimeout = _s3_error(
    "RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout"
    " period. Idle connections will be closed."
)
MissingContentLength = _s3_error("MissingContentLength", 411, "You must provide the Content-Length HTTP header.")
EntityTooLarge = _s3_error("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")
EntityTooSmall = _s3_error("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.")
InvalidPart = _s3_error(
    "InvalidPart",
    400,
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified"
    " entity tag may not match the part's entity tag.",
)
InvalidPartOrder = _s3_error(
    "InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number."
)
MalformedXML = _s3_error(
    "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"
)
MetadataTooLarge = _s3_error("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.")
InvalidTag = _s3_error("InvalidTag", 400, "The TagValue you have provided is invalid")
AccessDenied = _s3_error("AccessDenied", 403, "Access Denied")
AccessForbidden = _s3_error("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed.")
BadRequest = _s3_error("BadRequest", 400, "Bad Request")
NoSuchCORSConfiguration = _s3_error("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")
MalformedPOSTRequest = _s3_error("MalformedPOSTRequest", 400,
                                 "The body of your POST request is not well-formed multipart/form-data.")
MaxPostPreDataLengthExceeded = _s3_error("MaxPostPreDataLengthExceeded", 400,
                                         "Your POST request fields preceding the upload file were too large.")
InvalidPolicyDocument = _s3_error("InvalidPolicyDocument", 400, "Invalid Policy: Invalid JSON.")
SignatureDoesNotMatch = _s3_error(
    "SignatureDoesNotMatch", 403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing "
    "method.")
InvalidAccessKeyId = _s3_error("InvalidAccessKeyId", 403,
                               "The AWS Access Key Id you provided does not exist in our records.")
MethodNotAllowed = _s3_error("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
S3NotImplemented = _s3_error("NotImplemented", 501, "A header you provided implies functionality that is not implemented")
InternalError = _s3_error("InternalError", 500, "We encountered an internal error. Please try again.")
# Not an S3 code: S3 has no folders, so it never refuses a key because another key is a file where this
# one needs a folder. The emulator keeps objects as files, and says so rather than lose either object.
KeyConflict = _s3_error("KeyConflict", 409, "The key conflicts with another key")
