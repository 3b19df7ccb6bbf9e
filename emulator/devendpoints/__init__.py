"""Dev endpoints: definitions with AWS's lifecycle; nothing to connect to (see endpoints.py)."""
