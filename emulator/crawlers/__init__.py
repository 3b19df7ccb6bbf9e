"""Crawlers and classifiers: the API (crawlers.py, classifiers.py), crawl runs and their effect on the
catalog (runner.py), and the inference engine that finds tables in S3 (planner.py and what it uses)."""
