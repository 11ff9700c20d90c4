"""Habeas benchmarks: `make bench` runs every ``bench/bench_*.py`` module.

Importing this package must stay cheap and must not import Django: the load
generator (``python -m bench.loadgen``) imports it too.
"""
