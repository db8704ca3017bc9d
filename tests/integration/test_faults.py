"""Faults with the real services stopped and started by the test: a throw-away redis-server on a port of its
own (cache and broker), and PostgreSQL reached through a TCP proxy that the test cuts and restores (the
machine's shared servers are never touched)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading

import pytest
from django.db import connection

from forum.comments.models import Comment
from forum.notifications.models import NotificationJob
from tests.factories import ArticleFactory, UserFactory
from tests.integration.test_two_hosts import Browser, WebHost
from tests.services import (
    ROOT,
    Worker,
    close_web_app_connections,
    database_url,
    new_queue_name,
    point_web_app,
    require,
    wait_until,
)
from tests.smtp import SMTPServer, free_port

pytestmark = [
    pytest.mark.services,
    pytest.mark.xdist_group("services"),
    pytest.mark.django_db(transaction=True),
]


class RedisServer:
    """`redis-server` without persistence on a free port, stopped and started again on the same port."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp_path = tmp_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: self._answers(), 10, 0.05, f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)  # as in a crash: nothing is saved, nothing handed over
            self.process.wait(timeout=10)
        self.process = None


class TCPProxy:
    """Forwards a local port to PostgreSQL; `cut()` drops the listener and every open connection, as a
    database server that went away does, and `restore()` listens on the same port again."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> "TCPProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        with self.lock:
            self.open.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def cut(self) -> None:
        if self.listener is not None:
            # shutdown() wakes the thread blocked in accept() (close() alone leaves the port bound).
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            sockets = list(self.open)
        for sock in sockets:
            self._close(sock)

    def restore(self) -> None:
        self.start()


# --- Redis down --------------------------------------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    require("PostgreSQL", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share (PostgreSQL)")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def test_with_redis_down_the_site_serves_and_stores_posts_and_the_sweep_catches_up(
    redis_server, tmp_path, client, settings, monkeypatch
):
    queue = new_queue_name()
    smtp_port = free_port()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.NOTIFICATIONS_EMAIL_DELAY = 0
    settings.CACHES = {
        "default": {
            "BACKEND": "forum.lib.cache.FailSafeRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": queue,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    point_web_app(monkeypatch, redis_server.url, queue)
    smtp = SMTPServer(smtp_port).start()
    worker = Worker(redis_server.url, queue, smtp_port, tmp_path).start()
    try:
        alice = UserFactory(username="alice")
        bob = UserFactory(username="bob")
        article = ArticleFactory(
            title="Belarus urges truce", slug="belarus-urges-truce", author=UserFactory()
        )
        parent = Comment.objects.create(article=article, author=alice, body="The truce will hold.")
        page = f"/articles/{article.slug}/"
        assert "The truce will hold." in client.get(page).content.decode()  # cached while Redis is up

        redis_server.stop()
        client.force_login(bob)
        response = client.post(f"{page}comments/", {"body": "I doubt it.", "parent": parent.pk})

        assert response.status_code == 302, response.content[:500]
        reply = Comment.objects.get(body="I doubt it.")
        assert reply.status == Comment.Status.PUBLISHED
        assert f'id="comment-{reply.pk}"' in client.get(page).content.decode()
        client.logout()
        assert f'id="comment-{reply.pk}"' in client.get(page).content.decode()
        assert NotificationJob.objects.get(comment=reply).state == "pending"

        redis_server.start()  # the worker reconnects; its beat sweeps what was never enqueued
        [message] = smtp.recorder.wait_for(1, timeout=60)
        assert message["To"] == alice.email
        assert (
            f"/articles/belarus-urges-truce/comments/{reply.pk}/"
            in message.get_body(("plain",)).get_content()
        )
    finally:
        worker.stop()
        smtp.stop()
        close_web_app_connections()


# --- PostgreSQL down --------------------------------------------------------------------------------------


@pytest.fixture
def site_behind_proxy(tmp_path):
    require("PostgreSQL", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    port = connection.settings_dict["PORT"] or 5432
    proxy = TCPProxy(int(port)).start()
    env = {
        key: value
        for key, value in Worker("", "", free_port(), tmp_path).env.items()
        if not key.startswith(("CELERY_", "EMAIL_"))
    }
    env |= {
        "DATABASE_URL": database_url().replace(f":{port}/", f":{proxy.port}/"),
        "CONN_MAX_AGE": "600",  # persistent connections: a stale one must be noticed, not used
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    host = WebHost(env, tmp_path, "web").start()
    yield host, proxy
    host.stop()
    proxy.cut()


def front_page(host) -> tuple[int, str]:
    return Browser().open(host.url + "/")


def test_with_postgresql_down_the_site_answers_503_and_recovers_by_itself(site_behind_proxy):
    ArticleFactory(title="Belarus urges truce", author=UserFactory())
    host, proxy = site_behind_proxy
    status, body = front_page(host)
    assert (status, "Belarus urges truce" in body) == (200, True)

    # The database goes away and comes back between two requests: the persistent connection is stale.
    proxy.cut()
    proxy.restore()
    status, body = front_page(host)
    assert (status, "Belarus urges truce" in body) == (200, True), body[:500]

    proxy.cut()
    for _ in range(2):
        status, body = front_page(host)
        assert status == 503, body[:500]
        assert "cannot reach its database" in body
        assert "Traceback" not in body and "OperationalError" not in body and str(proxy.port) not in body
    status, health = Browser().open(host.url + "/healthz")
    assert status == 503 and '"database": "down' in health

    proxy.restore()
    status, body = front_page(host)
    assert (status, "Belarus urges truce" in body) == (200, True), body[:500]
