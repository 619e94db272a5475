"""Benchmarks: ``python -m bench.load`` (see bench/load.py)."""
