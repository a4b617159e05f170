"""Norms of the research app: activities."""
