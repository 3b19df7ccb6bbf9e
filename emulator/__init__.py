"""glue-emulator: a local AWS Glue (Data Catalog, S3, jobs, crawlers, workflows) for boto3."""

__version__ = "0.1.0"
