"""The platform's settings plus the bare baseline pages (bench/bare.py)."""

from jiaoyan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare"
DEBUG = False
