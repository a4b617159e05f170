"""Norms of the research app: orders."""
