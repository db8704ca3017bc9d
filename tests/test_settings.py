import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "news.example",
    "SITE_URL": "https://news.example",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what a fresh shell would have: nothing the test session itself set may leak into the check.
    clean_env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TRIBUNE_VAR_DIR"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({**PRODUCTION_ENV, "SECRET_KEY": ""}, "SECRET_KEY"),
        ({**PRODUCTION_ENV, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PRODUCTION_ENV, "SITE_URL": ""}, "SITE_URL"),
        ({"DEBUG": "false"}, "SECRET_KEY, ALLOWED_HOSTS, SITE_URL"),
    ],
)
def test_production_refuses_to_start_without_secrets(env, missing):
    result = run_manage("check", env=env)

    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"Tribune refuses to start: DEBUG is off and these are not set: {missing}."
    )


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_harden_cookies_and_static_files():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)

    assert result.stdout.split() == [
        "True",
        "True",
        "31536000",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


COOKIE_FLAGS = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
    "s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)"
)


def test_production_cookies_are_secure_and_hidden_from_scripts():
    result = run_manage("shell", "--no-imports", "-c", COOKIE_FLAGS, env=PRODUCTION_ENV)

    assert result.stdout.split() == ["True", "True", "True", "True", "True", "Lax"]


def test_secure_cookies_off_serves_them_over_plain_http_for_a_local_scan():
    env = {**PRODUCTION_ENV, "SECURE_COOKIES": "false"}

    result = run_manage("shell", "--no-imports", "-c", COOKIE_FLAGS, env=env)
    check = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.stdout.split() == ["False", "False", "False", "True", "True", "Lax"]
    # Never unnoticed on a real site: the deployment check names both cookies.
    assert check.returncode != 0
    assert "security.W012" in check.stderr + check.stdout
    assert "security.W016" in check.stderr + check.stdout


def test_malformed_boolean_fails_loudly():
    result = run_manage("check", env={"DEBUG": "perhaps"})

    assert result.returncode != 0
    assert "perhaps" in result.stderr


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite pass"
)
def test_sqlite_queues_concurrent_writers():
    options = settings.DATABASES["default"]["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
