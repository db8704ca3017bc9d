"""Real services for tests/integration: see tests/services.py."""

import pytest
from django.db import connection

from tests.services import (
    BROKERS,
    Worker,
    close_web_app_connections,
    new_queue_name,
    point_web_app,
    purge,
    require,
)
from tests.smtp import SMTPServer, free_port


@pytest.fixture(params=sorted(BROKERS))
def broker(request):
    url, closed_url, port = BROKERS[request.param]
    require(request.param, port)
    require("PostgreSQL", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share (PostgreSQL)")
    return {"name": request.param, "url": url, "closed_url": closed_url}


@pytest.fixture
def queue():
    return new_queue_name()


@pytest.fixture
def web_app(broker, queue, monkeypatch, settings):
    """This process (the web side) enqueues to the broker under test, on the test's queue."""

    def point_at(url: str) -> None:
        point_web_app(monkeypatch, url, queue)

    settings.CELERY_TASK_ALWAYS_EAGER = False
    point_at(broker["url"])
    yield point_at
    close_web_app_connections()


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    server = SMTPServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def worker(broker, queue, smtp_port, tmp_path, web_app):
    worker = Worker(broker["url"], queue, smtp_port, tmp_path)
    yield worker
    worker.stop()
    purge(broker["url"], queue)
