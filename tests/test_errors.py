"""A database that cannot be reached is a 503 with a plain page, wherever the request first touched it."""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import InterfaceError, OperationalError

from articles.models import ArticleQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings, client):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def refuse(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_error_in_the_view_is_a_503_with_a_plain_page(production, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error("connection already closed")

    monkeypatch.setattr(ArticleQuerySet, "published", fail)

    response = production.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<h1 class="page-title">Briefly unavailable</h1>' in html
    assert "cannot reach its database" in html
    assert "Traceback" not in html and "connection already closed" not in html


def test_a_database_error_before_the_view_is_a_503_too(production, monkeypatch, reader):
    """The session is read by middleware, outside the view."""
    production.force_login(reader)
    monkeypatch.setattr(SessionStore, "load", refuse)

    response = production.get("/")

    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()
    assert "5432" not in response.content.decode()


def test_other_errors_stay_a_500(production, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(ArticleQuerySet, "published", broken)

    response = production.get("/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response
