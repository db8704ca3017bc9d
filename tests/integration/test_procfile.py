"""The Procfile is what a host runs: honcho starts its web, worker and beat processes, and they come up."""

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.services import ROOT, Worker, require, wait_until
from tests.smtp import free_port

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("services"), pytest.mark.django_db]

HONCHO = Path(sys.executable).with_name("honcho")


def test_the_procfile_names_web_worker_and_beat():
    checked = subprocess.run([HONCHO, "check"], cwd=ROOT, capture_output=True, text=True, timeout=30)

    assert checked.returncode == 0, checked.stderr
    assert "Valid procfile detected (web, worker, beat)" in checked.stderr


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_honcho_starts_every_process(tmp_path):
    require("Redis", 6379)
    require("PostgreSQL", 5432)
    port = free_port()
    env = {
        **Worker("redis://127.0.0.1:6379/14", f"tribune-procfile-{port}", free_port(), tmp_path).env,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
    }
    log_path = tmp_path / "honcho.log"
    with log_path.open("w") as log:
        honcho = subprocess.Popen(
            [HONCHO, "start"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until(lambda: healthy(f"http://127.0.0.1:{port}/healthz"), 40, 0.2, "the web process")
        wait_until(lambda: " ready." in log_path.read_text(), 40, 0.2, "the worker")
        wait_until(lambda: "beat: Starting" in log_path.read_text(), 40, 0.2, "beat")
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        honcho.wait(timeout=20)
