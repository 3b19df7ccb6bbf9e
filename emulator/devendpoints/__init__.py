"""Dev endpoints."""
