"""ML transforms (FindMatches): definitions, labels and task runs (see transforms.py and task_runs.py)."""
