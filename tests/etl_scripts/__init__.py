"""ETL scripts run as real glueetl jobs by the tests, and the helper that runs them."""
