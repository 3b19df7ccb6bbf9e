"""Where Glue writes the CloudWatch logs of a job run or crawl that has a security configuration.

Glue names a separate log group when a security configuration is attached (its CloudWatch encryption applies to
the group), as AWS's answers recorded by users show:
- a job run: `/aws-glue/jobs/<configuration>-role/<role>` (its streams' groups end `/output` and `/error`,
  e.g. `/aws-glue/jobs/glue_security_config_common-role/glue_connection_role_apg/output`);
- a crawler: `/aws-glue/crawlers-role/<role>-<configuration>` (a crawler with configuration `s3` and role
  `service-role/AWSGlueServiceRole-x` logs to `/aws-glue/crawlers-role/service-role/AWSGlueServiceRole-x-s3`).
`<role>` is the role's name with its IAM path (what follows `:role/` in its ARN), or the Role member as given
when it is a bare name. Nothing is encrypted locally; the group names are what a user's log queries look for.
"""

from __future__ import annotations

CRAWLERS_ROLE_PREFIX = "/aws-glue/crawlers-role"


def role_path_name(role: str) -> str:
    """`service-role/MyRole` for `arn:aws:iam::123456789012:role/service-role/MyRole`; a bare name as given."""
    return role.split(":role/", 1)[1] if ":role/" in role else role


def job_log_group(base: str, security_configuration: str | None, role: str) -> str:
    """The log group of a job run under `base` (`/aws-glue/jobs`, ...): its own group when a configuration is set."""
    if not security_configuration:
        return base
    return f"{base}/{security_configuration}-role/{role_path_name(role)}"


def crawler_log_group(base: str, security_configuration: str | None, role: str) -> str:
    """The log group of a crawl: `base` (`/aws-glue/crawlers`) without configuration, else the crawler role's own."""
    if not security_configuration:
        return base
    return f"{CRAWLERS_ROLE_PREFIX}/{role_path_name(role)}-{security_configuration}"
