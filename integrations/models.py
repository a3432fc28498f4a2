"""Models of the integrations app (issue 8)."""
