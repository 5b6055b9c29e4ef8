"""Benchmarks: `make bench SCALE=insurer|market|sample` (see bench/run.py)."""
