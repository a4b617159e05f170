"""Demo records of the liaison app for the seed (core/demo/extensions.py, order 400)."""
