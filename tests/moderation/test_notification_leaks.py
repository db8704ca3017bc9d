"""What the notifications app sends after moderation: never the text of a hidden comment to a reader, never
who reported; the author of a hidden comment is told why."""

import pytest

from forum.moderation import reports, services
from forum.notifications.models import EmailDelivery
from forum.notifications.tasks import deliver_email
from tests.moderation.conftest import veteran

pytestmark = pytest.mark.django_db

RUDE = "Bob's rude reply that nobody may read."


@pytest.fixture
def hidden_reply(
    post, post_and_fan_out, article, reader, other_reader, moderator, django_capture_on_commit_callbacks
):
    """Alice's comment; Bob's reply, notified to Alice but hidden before its e-mail goes out."""
    parent = post(article, reader, "The truce will hold.")
    reply = post_and_fan_out(article, other_reader, RUDE, parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        services.hide(comment=reply, actor=moderator, reason="abuse")
    return reply


def test_a_reply_hidden_before_its_email_is_not_sent(mailbox, hidden_reply, reader):
    reply_delivery = EmailDelivery.objects.get(
        notification__recipient=reader, notification__comment=hidden_reply
    )

    deliver_email.apply(args=(reply_delivery.pk,)).get()

    to_alice = [message for message in mailbox if message.to == [reader.email]]
    assert all(RUDE not in message.body for message in to_alice)
    assert all(RUDE not in html for message in to_alice for html, _type in message.alternatives)
    assert EmailDelivery.objects.get(pk=reply_delivery.pk).note == "the comment is no longer public"


def test_the_inbox_does_not_quote_a_hidden_reply(client, hidden_reply, reader):
    client.force_login(reader)

    html = client.get("/notifications/").content.decode()

    assert RUDE not in html


def test_the_author_of_the_hidden_reply_is_told_why(mailbox, hidden_reply, other_reader):
    (message,) = [message for message in mailbox if message.to == [other_reader.email]]

    assert "Reason: Abuse" in message.body


def test_the_author_is_told_the_reason_but_not_who_reported(
    client, post, article, reader, django_capture_on_commit_callbacks
):
    comment = post(article, reader, "Alice names her neighbour.")
    reporters = [veteran(username=f"reporter{i}") for i in range(3)]
    for reporter in reporters:
        with django_capture_on_commit_callbacks(execute=True):
            reports.report(comment=comment, reporter=reporter, reason="personal_data")
    client.force_login(reader)

    html = client.get("/notifications/").content.decode()

    for reporter in reporters:
        assert reporter.username not in html
