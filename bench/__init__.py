"""Benchmarks of the article page and of posting; `make bench` runs bench/bench_discussion.py."""
