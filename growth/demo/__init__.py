"""Demo records of the growth app for the seed (core/demo/extensions.py, order 500)."""
