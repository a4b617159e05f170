"""Demo growth records for the seed (core/demo/extensions.py): training, rotation, programmes with
tiers and duties, competitions, studios, bases and certificates (`records`, order 500)."""

from growth.demo import records  # noqa: F401
