"""Benchmarks, run from the repository root as ``python -m benchmarks.NAME``.

Each appends its figures, with command, machine and date, to BENCHMARKS.md.
"""
