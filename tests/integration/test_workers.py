"""Notifications through a real worker, broker and SMTP server, and what happens when each of them fails.
Every test runs once on Redis and once on RabbitMQ."""

import logging
import time

import pytest

from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.notifications.models import EmailDelivery, Kind, Notification, NotificationJob
from tests.factories import ArticleFactory, UserFactory
from tests.services import wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.xdist_group("services"),
    pytest.mark.django_db(transaction=True),
]

DELIVERY_TIMEOUT = 30


@pytest.fixture
def discussion(client):
    """Alice's comment; Bob logged in and about to reply."""
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    # Not EditorFactory: a transactional test starts from an empty database, without the groups that the
    # migrations created.
    article = ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce", author=UserFactory())
    parent = Comment.objects.create(article=article, author=alice, body="The truce will hold.")
    client.force_login(bob)
    return {"article": article, "parent": parent, "alice": alice, "bob": bob, "client": client}


def reply(discussion, body="I doubt it.") -> Comment:
    response = discussion["client"].post(
        f"/articles/{discussion['article'].slug}/comments/", {"body": body, "parent": discussion["parent"].pk}
    )
    assert response.status_code == 302, response.content[:500]
    return Comment.objects.get(body=body)


def messages_to(smtp, address) -> list:
    return [m for m in smtp.messages if m["To"] == address]


def assert_delivered_once(smtp, discussion, comment, quiet: float = 1.0):
    """The e-mail arrives, and no second one during `quiet` seconds after it (sweeps run every second)."""
    alice = discussion["alice"]
    wait_until(lambda: messages_to(smtp, alice.email), DELIVERY_TIMEOUT, what="the e-mail")
    time.sleep(quiet)
    [message] = messages_to(smtp, alice.email)
    assert message["Subject"].strip() == "[Tribune] Bob replied to your comment on “Belarus urges truce”"
    assert (
        f"http://testserver/articles/belarus-urges-truce/comments/{comment.pk}/"
        in message.get_body(("plain",)).get_content()
    )
    delivery = EmailDelivery.objects.get(notification__recipient=alice)
    assert delivery.state == State.DONE
    assert delivery.sent_at is not None


def test_reply_reaches_the_parent_author_by_email_and_inbox(discussion, smtp, worker):
    smtp.start()
    worker.start()

    comment = reply(discussion)

    assert_delivered_once(smtp, discussion, comment)
    assert list(
        Notification.objects.filter(recipient=discussion["alice"]).values_list("kind", flat=True)
    ) == [Kind.REPLY]


def test_worker_killed_in_the_middle_of_sending_delivers_exactly_once(discussion, smtp, worker):
    smtp.start()
    worker.start()
    smtp.recorder.holding.set()  # the server keeps the worker waiting in the middle of the SMTP exchange

    comment = reply(discussion)
    assert smtp.recorder.held.wait(DELIVERY_TIMEOUT), worker.log()[-3000:]
    worker.kill()
    smtp.recorder.holding.clear()
    assert EmailDelivery.objects.get().state == State.RUNNING
    worker.start()

    assert_delivered_once(smtp, discussion, comment, quiet=3.0)
    assert EmailDelivery.objects.get().attempts == 2


def test_smtp_down_then_up_is_delivered_by_the_retries(discussion, smtp, worker):
    worker.start()

    comment = reply(discussion)
    wait_until(
        lambda: EmailDelivery.objects.filter(attempts__gte=2, last_error__icontains="refused").exists(),
        DELIVERY_TIMEOUT,
        what="failed attempts while SMTP is down",
    )
    smtp.start()

    assert_delivered_once(smtp, discussion, comment)


def test_broker_down_during_a_post_stores_it_and_the_sweep_sends_later(
    discussion, smtp, worker, broker, web_app, caplog
):
    smtp.start()
    web_app(broker["closed_url"])

    with caplog.at_level(logging.WARNING, logger="forum.lib.outbox"):
        comment = reply(discussion)

    assert Comment.objects.filter(pk=comment.pk, status=Comment.Status.PUBLISHED).exists()
    assert NotificationJob.objects.get(comment=comment).state == State.PENDING
    assert "could not enqueue NotificationJob" in caplog.text
    web_app(broker["url"])
    worker.start()  # the broker is back; the worker's beat sweeps what was never enqueued

    assert_delivered_once(smtp, discussion, comment)
