"""Two web hosts and a worker on 127.0.0.1, sharing one PostgreSQL and one Redis, as in production with a load
balancer: what is posted through one host is on the next page load from the other, and the worker e-mails the
parent's author."""

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from forum.comments.models import Comment
from tests.factories import PASSWORD, ArticleFactory, UserFactory
from tests.services import ROOT, Worker, purge, require, wait_until
from tests.smtp import free_port

pytestmark = [
    pytest.mark.services,
    pytest.mark.xdist_group("services"),
    pytest.mark.django_db(transaction=True),
]

BROKER_URL = "redis://127.0.0.1:6379/14"
CACHE_URL = "redis://127.0.0.1:6379/13"
STARTUP_TIMEOUT = 40


class WebHost:
    """`gunicorn forum.wsgi` with production settings on a port of its own."""

    def __init__(self, env: dict, tmp_path, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = tmp_path / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "WebHost":
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "forum.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_until(self._answers, STARTUP_TIMEOUT, 0.2, f"gunicorn on port {self.port}")
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=15)


class Browser:
    """Just enough of a browser over urllib: cookies by name (the site sets them Secure, as in production,
    and this talks plain HTTP to 127.0.0.1) and no redirects followed."""

    def __init__(self, cookies: dict[str, str] | None = None):
        self.cookies = dict(cookies or {})

    def open(self, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode()

    def page(self, url: str) -> str:
        status, body = self.open(url)
        assert status == 200, (url, status, body[:1000])
        return body


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html[:2000]
    return match.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def hosts(tmp_path):
    require("Redis", 6379)
    require("PostgreSQL", 5432)
    smtp_port = free_port()
    queue = f"tribune-two-hosts-{free_port()}"
    worker = Worker(BROKER_URL, queue, smtp_port, tmp_path)
    env = {
        **worker.env,
        "REDIS_URL": CACHE_URL,  # the shared cache; the broker stays CELERY_BROKER_URL
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://testserver",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    worker.env = env
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    started = []
    try:
        worker.start()
        started.append(worker)
        for name in ("web-a", "web-b"):
            started.append(WebHost(env, tmp_path, name).start())
        yield {"worker": worker, "a": started[1], "b": started[2], "smtp_port": smtp_port}
    finally:
        for process in reversed(started):
            process.stop()
        purge(BROKER_URL, queue)


def test_a_reply_through_one_host_is_on_the_next_page_from_the_other(hosts, settings):
    from tests.smtp import SMTPServer

    smtp = SMTPServer(hosts["smtp_port"]).start()
    try:
        alice = UserFactory(username="alice", display_name="Alice")
        # Bob logs in on a host with production settings, which verify passwords with the default hasher.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        UserFactory(username="bob", display_name="Bob")
        article = ArticleFactory(
            title="Belarus urges truce", slug="belarus-urges-truce", author=UserFactory(username="desk")
        )
        parent = Comment.objects.create(article=article, author=alice, body="The truce will hold.")
        page = f"/articles/{article.slug}/"
        # Both hosts have served (and may have cached) the page before the reply.
        for host in (hosts["a"], hosts["b"]):
            assert "The truce will hold." in Browser().page(host.url + page)

        bob_browser = Browser()
        login_page = bob_browser.page(hosts["a"].url + "/accounts/login/")
        status, body = bob_browser.open(
            hosts["a"].url + "/accounts/login/",
            {"login": "bob", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login_page)},
            headers={"Referer": hosts["a"].url + "/accounts/login/"},
        )
        assert status == 302, body[:1000]
        form_page = bob_browser.page(hosts["a"].url + page)
        status, body = bob_browser.open(
            f"{hosts['a'].url}{page}comments/",
            {
                "body": "I doubt it, said Bob.",
                "parent": parent.pk,
                "csrfmiddlewaretoken": csrf_token(form_page),
            },
            headers={"Referer": hosts["a"].url + page},
        )
        assert status == 302, body[:1000]
        reply = Comment.objects.get(body="I doubt it, said Bob.")

        assert f'id="comment-{reply.pk}"' in Browser().page(hosts["b"].url + page)
        [message] = smtp.recorder.wait_for(1, timeout=30)
        assert message["To"] == alice.email
        assert f"http://testserver/articles/belarus-urges-truce/comments/{reply.pk}/" in (
            message.get_body(("plain",)).get_content()
        )
    finally:
        smtp.stop()
