"""Benchmarks of congress-vote; ``python bench/run.py`` runs the plenary benchmark (README.md)."""
