"""Norms of the research app: homeroom."""
