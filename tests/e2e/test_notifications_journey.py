"""A reply posted in the browser reaches the parent's author by e-mail and in the inbox, through a real worker
(Redis broker, SMTP server on 127.0.0.1)."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from forum.comments.models import Comment
from tests.factories import PASSWORD, ArticleFactory, UserFactory
from tests.services import (
    BROKERS,
    Worker,
    close_web_app_connections,
    new_queue_name,
    point_web_app,
    purge,
    require,
    wait_until,
)
from tests.smtp import SMTPServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def worker(live_server, smtp, tmp_path, monkeypatch, settings):
    url, _closed_url, port = BROKERS["redis"]
    require("Redis", port)
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share (PostgreSQL)")
    queue = new_queue_name()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    point_web_app(monkeypatch, url, queue)
    worker = Worker(url, queue, smtp.port, tmp_path)
    worker.env["SITE_URL"] = live_server.url
    worker.env["SPAM_MIN_SECONDS"] = "0"  # a browser driven by a test types faster than any person
    worker.start()
    yield worker
    worker.stop()
    purge(url, queue)
    close_web_app_connections()


def test_reply_in_the_browser_reaches_the_parent_author_by_email_and_inbox(
    page, login, live_server, smtp, worker
):
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    article = ArticleFactory(
        title="Ceasefire talks resume", slug="ceasefire-talks-resume", author=UserFactory()
    )
    parent = Comment.objects.create(article=article, author=alice, body="The truce will hold.")

    login(bob, PASSWORD)
    page.goto(f"/articles/{article.slug}/")
    page.locator(f"#comment-{parent.pk}").get_by_role("link", name="Reply").click()
    page.get_by_label("Reply").fill("I doubt it: both sides are rearming.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".comment-body", has_text="both sides are rearming")).to_be_visible()
    reply = Comment.objects.get(parent=parent)

    [message] = wait_until(lambda: smtp.messages[:], 30, what="the e-mail to Alice")
    assert message["To"] == alice.email
    assert message["Subject"].strip() == "[Tribune] Bob replied to your comment on “Ceasefire talks resume”"
    permalink = f"{live_server.url}/articles/{article.slug}/comments/{reply.pk}/"
    assert permalink in message.get_body(("plain",)).get_content()

    page.get_by_role("button", name="Log out").click()
    login(alice, PASSWORD)
    expect(page.locator(".site-nav__notifications")).to_have_text(re.compile(r"Notifications\s+1\s+unread"))
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("link", name="Bob replied to your comment on “Ceasefire talks resume”").click()

    expect(page).to_have_url(f"{permalink}#comment-{reply.pk}")
    expect(page.locator(f"#comment-{reply.pk} .comment-body")).to_have_text(
        "I doubt it: both sides are rearming."
    )
    # Opening it read it: the header no longer counts it.
    expect(page.locator(".site-nav__notifications")).to_have_text("Notifications")
