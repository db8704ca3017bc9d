"""Helpers for tests with real services: a Celery worker process (with beat) started by the test, Redis or
RabbitMQ as its broker, PostgreSQL shared with it. Under CI=true a service that is not there fails the test;
elsewhere it skips it."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from forum.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
BROKERS = {
    "redis": ("redis://127.0.0.1:6379/14", "redis://127.0.0.1:1/14", 6379),
    "rabbitmq": ("amqp://guest:guest@127.0.0.1:5672//", "amqp://guest:guest@127.0.0.1:1//", 5672),
}
STARTUP_TIMEOUT = 40


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, port: int) -> None:
    if reachable(port):
        return
    message = f"{name} is not reachable on 127.0.0.1:{port}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def wait_until(condition, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """`celery -A forum worker --beat` in its own process group, on a queue of its own."""

    def __init__(self, broker_url: str, queue: str, smtp_port: int, tmp_path: Path):
        self.broker_url = broker_url
        self.queue = queue
        self.tmp_path = tmp_path
        self.log_path = tmp_path / "worker.log"
        self.process: subprocess.Popen | None = None
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "DEBUG": "false",
            "SECRET_KEY": "integration-tests-only-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "TRIBUNE_VAR_DIR": str(tmp_path),
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "5",
            "SITE_URL": "http://testserver",
            # Short enough for a test, in the same order as production: soft < hard < visibility timeout.
            "CELERY_TASK_SOFT_TIME_LIMIT": "5",
            "CELERY_TASK_TIME_LIMIT": "6",
            "CELERY_VISIBILITY_TIMEOUT": "8",
            "CELERY_SOFT_SHUTDOWN_TIMEOUT": "0",
            "TASK_RETRY_BACKOFF": "0.5",
            "TASK_RETRY_BACKOFF_MAX": "2",
            "TASK_MAX_RETRIES": "8",
            "OUTBOX_SWEEP_INTERVAL": "1",
            "OUTBOX_SWEEP_AFTER": "1",
            "NOTIFICATIONS_EMAIL_DELAY": "0",
        }

    def start(self) -> "Worker":
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "forum",
                "worker",
                "--beat",
                "--schedule",
                str(self.tmp_path / "beat-schedule"),
                "--queues",
                self.queue,
                "--hostname",
                f"{self.queue}@%h",
                "--concurrency",
                "1",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool's children die with it
        )
        log.close()
        try:
            wait_until(lambda: " ready." in self.log(), STARTUP_TIMEOUT, 0.2, "the worker to start")
        except AssertionError:
            self.stop()
            raise AssertionError(f"the worker did not start:\n{self.log()[-4000:]}") from None
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker, its pool and its beat at once: no warm shutdown, nothing acknowledged."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


def purge(broker_url: str, queue: str) -> None:
    """Leave nothing behind on the shared broker."""
    try:
        with celery_app.connection_for_write(broker_url) as conn:
            channel = conn.default_channel
            channel.queue_purge(queue)
            channel.queue_delete(queue)
    except Exception:  # the queue may never have been declared
        pass


def point_web_app(monkeypatch, broker_url: str, queue: str) -> None:
    """Make this process (the web side) enqueue to `broker_url` on `queue`, not run tasks eagerly."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    monkeypatch.setitem(celery_app.conf, "broker_url", broker_url)
    # The producer pool belongs to the broker it was made for.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


def close_web_app_connections() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()


def new_queue_name() -> str:
    """Each test gets its own queue, so that workers of parallel test runs never take each other's tasks."""
    return f"tribune-test-{uuid.uuid4().hex[:12]}"
