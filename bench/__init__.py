"""Benchmarks (outside the product's runtime): run with ``python -m bench``."""
