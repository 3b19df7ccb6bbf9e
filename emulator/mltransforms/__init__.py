"""ML transforms."""
