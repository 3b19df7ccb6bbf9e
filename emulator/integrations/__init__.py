"""Zero-ETL integrations: CreateIntegration, ModifyIntegration, DeleteIntegration, DescribeIntegrations,
DescribeInboundIntegrations (integrations.py); integration resource properties and table properties
(properties.py). Which sources and targets are accepted is resources.py.

On AWS an integration replicates a source (a DynamoDB table, or a SaaS application through a Glue
connection) into a target (a Glue database, an S3 Tables catalog, a Redshift namespace) continuously. Here the
records are kept and checked as AWS checks them, but **no data is replicated**: see the README section
"Zero-ETL integrations" for what an integration's status means locally.
"""
