"""The Celery settings that make workers safe to kill and to multiply (docs/workers.md)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forum.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent


def test_tasks_are_acknowledged_late_and_rejected_when_their_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is True


def test_visibility_timeout_is_the_same_everywhere_celery_reads_it():
    timeout = app.conf.visibility_timeout

    assert app.conf.broker_transport_options["visibility_timeout"] == timeout
    assert app.conf.result_backend_transport_options["visibility_timeout"] == timeout


def test_time_limits_and_retries_fit_within_the_visibility_timeout(settings):
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit < app.conf.visibility_timeout
    assert app.conf.visibility_timeout > settings.TASK_RETRY_BACKOFF_MAX


def test_beat_runs_the_sweep_the_digest_and_the_privacy_purge():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover the apps' tasks
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert tasks == {
        "forum.lib.outbox.sweep",
        "forum.notifications.tasks.send_digests",
        "forum.spam.tasks.purge_request_data",
    }
    assert set(tasks) <= set(app.tasks)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CELERY_TASK_TIME_LIMIT": "600"}, "CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT must hold"),
        ({"CELERY_TASK_SOFT_TIME_LIMIT": "120"}, "CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT"),
        ({"TASK_RETRY_BACKOFF_MAX": "300"}, "TASK_RETRY_BACKOFF_MAX must be below CELERY_VISIBILITY_TIMEOUT"),
    ],
)
def test_inconsistent_limits_refuse_to_start(env, message):
    clean_env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TRIBUNE_VAR_DIR"}}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert message in result.stderr
