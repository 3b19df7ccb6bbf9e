"""botocore's data files (service models, paginators), read through one session that ignores AWS profiles.

A botocore session looks the profile named by AWS_PROFILE up in ~/.aws/config as soon as it reads its data
path; a developer's profile missing there (a CI that sets the variable without the file) raised ProfileNotFound
in the middle of requests. The emulator needs nothing from a profile: it reads botocore's model only.
"""

from __future__ import annotations

import functools

import botocore.session

# botocore's session variable "profile" with no environment variable or config name behind it.
_NO_PROFILE = {"profile": (None, None, None, None)}


@functools.cache
def botocore_session() -> botocore.session.Session:
    """The one session: it loads each data file once (a fresh session reads them all again)."""
    return botocore.session.Session(session_vars=_NO_PROFILE)
