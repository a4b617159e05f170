"""Norms of the research app: prep."""
