"""Demo records of the projects app for the seed (core/demo/extensions.py, order 520)."""
