import json

import pytest

from forum.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_service_up(client):
    response = client.get("/healthz")

    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] in {"ok", "eager"}


def test_healthz_names_a_cache_that_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get("/healthz")

    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["down"] == ["cache"]
    assert body["cache"].startswith("down: ")


def test_healthz_names_a_broker_that_is_down(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["down"] == ["broker"]


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
