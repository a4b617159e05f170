"""Norms of the research app: groups."""
