"""Production answers with HSTS, the Content-Security-Policy and secure, HttpOnly, SameSite cookies: read off
real responses of a DEBUG-off process (a subprocess, as tests/test_settings.py does, since settings are read
once at start)."""

import json

import pytest

from tests.test_settings import PRODUCTION_ENV, run_manage

# Runs inside the production process: a throw-away in-memory database, static files uncollected, a reader
# who logs in through the real login form over HTTPS, and the headers and cookies of the responses.
PROBE = """
import json
from allauth.account.models import EmailAddress
from django.db import connection
from django.conf import settings
from django.test import Client, override_settings
from forum.accounts.models import User

connection.creation.create_test_db(verbosity=0)
# Nothing was collected for this process: plain static storage instead of the production manifest.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
user = User.objects.create_user("dora", "dora@example.com", "correct-horse-battery-staple")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
client = Client(HTTP_HOST="news.example")
page = client.get("/accounts/login/", secure=True)
login = client.post(
    "/accounts/login/", {"login": "dora", "password": "correct-horse-battery-staple"}, secure=True
)
plain = Client(HTTP_HOST="news.example").get("/privacy/")


def cookie(response, name):
    morsel = response.cookies[name]
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


print(json.dumps({
    "hsts": page.headers.get("Strict-Transport-Security"),
    "csp": page.headers.get("Content-Security-Policy"),
    "frame": page.headers.get("X-Frame-Options"),
    "login_status": login.status_code,
    "session": cookie(login, "sessionid"),
    "csrf": cookie(page, "csrftoken"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


@pytest.fixture(scope="module")
def production():
    result = run_manage(
        "shell", "--no-imports", "-c", PROBE, env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite://:memory:"}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload(production):
    assert production["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_production_sends_the_strict_content_security_policy(production):
    directives = dict(part.strip().split(" ", 1) for part in production["csp"].split(";"))

    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    assert production["frame"] == "DENY"


def test_production_session_cookie_is_secure_httponly_and_same_site(production):
    assert production["login_status"] == 302
    assert production["session"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_csrf_cookie_is_secure_and_same_site(production):
    # HttpOnly: no script reads it (htmx sends the token from the page).
    assert production["csrf"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_redirects_plain_http_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://news.example/privacy/"
