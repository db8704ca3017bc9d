"""Timing helpers shared by Tribune's benchmark and the django-comments-xtd project (no Tribune imports)."""

import re
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Timing:
    samples: list[float]  # milliseconds of wall-clock time
    cpu_samples: list[float] = field(default_factory=list)  # milliseconds of this process's CPU time

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def cpu_median(self) -> float:
        """Less sensitive than wall-clock time to other work on the machine (SQLite runs in-process; a
        PostgreSQL server's own CPU time is not in it)."""
        return statistics.median(self.cpu_samples) if self.cpu_samples else float("nan")


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_get(client, url: str, *, repeat: int, warmup: int, before=None) -> Timing:
    """Milliseconds per full GET through Django's handler (middleware, view, templates), after warm-up.
    `before`, if given, is called (untimed) before each timed GET, e.g. to empty a cache."""
    for _ in range(warmup):
        _get(client, url)
    samples, cpu_samples = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        start, cpu_start = time.perf_counter(), time.process_time()
        _get(client, url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu_samples.append((time.process_time() - cpu_start) * 1000)
    return Timing(samples, cpu_samples)


def count_queries(client, url: str) -> tuple[int, str]:
    """SQL queries of one GET (measured apart from the timed runs: capturing slows every query down)."""
    with CaptureQueriesContext(connection) as queries:
        html = _get(client, url)
    return len(queries), html


def count_matches(pattern: str, html: str) -> int:
    return len(re.findall(pattern, html))


def _get(client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200")
    return response.content.decode()
