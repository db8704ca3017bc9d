"""The time-shifted pass (make test-future) runs the suite with the clock --clock-shift-days ahead."""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]


def real_now() -> datetime:
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(UTC)
    return datetime.now(UTC)


def test_the_clock_is_as_far_ahead_as_the_option_says(request):
    shift = timedelta(days=request.config.getoption("clock_shift_days"))

    assert abs(timezone.now() - (real_now() + shift)) < timedelta(seconds=5)


def test_the_clock_keeps_ticking():
    before = timezone.now()
    time.sleep(0.01)

    assert timezone.now() > before


@pytest.mark.time_machine("2026-11-30T12:00:00Z", tick=False)
def test_the_marker_sets_the_clock_before_the_fixtures_are_built(article):
    # Nested inside the shifted clock in the shifted pass; the article is built on the frozen one.
    assert timezone.now() == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert article.published_at == timezone.now() - timedelta(hours=1)
    assert article.is_published()


def test_the_option_moves_the_clock_of_a_whole_run():
    # A run of its own, so that the shift is checked in every pass, not only in the shifted one.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            "--clock-shift-days=730",
            "tests/test_clock.py::test_the_clock_is_as_far_ahead_as_the_option_says",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
