"""Jobs: definitions, runs and their lifecycle, and the executors that run scripts."""
