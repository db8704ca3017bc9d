"""E-mail for each notification: content, headers, preferences, and what happens when SMTP misbehaves."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress

from forum.comments.models import Comment
from forum.lib import outbox
from forum.lib.outbox import State
from forum.notifications.models import EmailDelivery, EmailMode, Kind, Notification, Preference
from forum.notifications.tasks import deliver_email
from tests.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(post, article, reader, other_reader):
    """Alice's comment, and Bob's reply to it (Alice is told, by e-mail at once by default)."""
    parent = post(article, reader, "The truce will hold.")
    reply = post(article, other_reader, "I doubt it: *both sides* are rearming.", parent=parent)
    return parent, reply


def test_reply_is_emailed_to_the_parent_author(mailbox, conversation, reader):
    _parent, reply = conversation

    assert len(mailbox) == 1
    message = mailbox[0]
    assert message.to == [reader.email]
    assert message.subject == "[Tribune] Bob replied to your comment on “Belarus urges truce”"
    assert "I doubt it: both sides are rearming." in message.body
    assert f"http://127.0.0.1:8000/articles/belarus-urges-truce/comments/{reply.pk}/" in message.body


def test_email_has_an_html_part_with_the_excerpt_and_link(mailbox, conversation):
    _parent, reply = conversation

    html, mimetype = mailbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert "<blockquote>I doubt it: both sides are rearming.</blockquote>" in html
    assert f'href="http://127.0.0.1:8000/articles/belarus-urges-truce/comments/{reply.pk}/"' in html


def test_email_carries_one_click_unsubscribe_headers(mailbox, conversation):
    headers = mailbox[0].extra_headers

    assert headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert headers["List-Unsubscribe"].endswith("/>")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        headers["Message-ID"]
        == f"<tribune.notification.{Notification.objects.get(kind=Kind.REPLY).pk}@127.0.0.1>"
    )


def test_delivery_records_when_it_was_sent(conversation):
    delivery = EmailDelivery.objects.get()

    assert delivery.state == State.DONE
    assert delivery.sent_at is not None


def test_running_a_sent_delivery_again_sends_nothing(mailbox, conversation):
    delivery = EmailDelivery.objects.get()

    result = deliver_email.apply(args=(delivery.pk,)).get()

    assert result == "skipped"
    assert len(mailbox) == 1


def test_redelivered_message_of_a_dead_worker_sends_once(
    mailbox, post, post_and_fan_out, article, reader, other_reader
):
    parent = post(article, reader, "The truce will hold.")
    post_and_fan_out(article, other_reader, "I doubt it.", parent=parent)
    delivery = EmailDelivery.objects.get()
    # A worker claimed it and died; its message comes back with the same task id.
    outbox.claim(EmailDelivery, delivery.pk, "task-1")

    first = deliver_email.apply(args=(delivery.pk,), task_id="task-1").get()
    second = deliver_email.apply(args=(delivery.pk,), task_id="task-1").get()

    assert (first, second) == ("done", "skipped")
    assert len(mailbox) == 1


def test_public_kinds_wait_for_the_spam_check_before_email(conversation, settings):
    delivery = EmailDelivery.objects.get()

    assert delivery.available_at - delivery.created_at >= timedelta(
        seconds=settings.NOTIFICATIONS_EMAIL_DELAY
    )


def test_email_off_keeps_the_inbox(mailbox, post, article, reader, other_reader):
    Preference.objects.set_mode(reader, Kind.REPLY, EmailMode.OFF)
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    assert mailbox == []
    assert Notification.objects.filter(recipient=reader, kind=Kind.REPLY).count() == 1
    assert EmailDelivery.objects.count() == 0


def test_digest_mode_sends_nothing_at_once(mailbox, post, article, reader, other_reader):
    Preference.objects.set_mode(reader, Kind.REPLY, EmailMode.DIGEST)
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    assert mailbox == []
    assert Notification.objects.get(recipient=reader).email == EmailMode.DIGEST


def test_switching_email_off_after_the_fact_stops_the_queued_email(
    mailbox, post, post_and_fan_out, article, reader, other_reader
):
    parent = post(article, reader, "The truce will hold.")
    post_and_fan_out(article, other_reader, "I doubt it.", parent=parent)
    Preference.objects.set_mode(reader, Kind.REPLY, EmailMode.OFF)
    delivery = EmailDelivery.objects.get()

    deliver_email.apply(args=(delivery.pk,)).get()

    delivery.refresh_from_db()
    assert mailbox == []
    assert (delivery.state, delivery.sent_at, delivery.note) == (
        State.DONE,
        None,
        "e-mail for this kind is now off",
    )


def test_unverified_address_gets_no_email(mailbox, post, article, reader, other_reader):
    EmailAddress.objects.filter(user=reader).update(verified=False)
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    assert mailbox == []
    assert EmailDelivery.objects.get().note == "no verified e-mail address"


def test_comment_pulled_as_spam_before_sending_is_not_emailed(
    mailbox, post, post_and_fan_out, article, reader, other_reader
):
    parent = post(article, reader, "The truce will hold.")
    reply = post_and_fan_out(article, other_reader, "I doubt it.", parent=parent)
    Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.SPAM)

    deliver_email.apply(args=(EmailDelivery.objects.get().pk,)).get()

    assert mailbox == []
    assert EmailDelivery.objects.get().note == "the comment is no longer public"


def test_email_reaches_a_real_smtp_server(smtp, post, article, reader, other_reader):
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    [message] = smtp.recorder.wait_for(1)
    assert message["To"] == reader.email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().count("I doubt it.") == 1
    assert "I doubt it." in message.get_body(("html",)).get_content()


def test_smtp_down_retries_then_fails_visibly(settings, post, article, reader, other_reader):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.TASK_MAX_RETRIES = 3
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    delivery = EmailDelivery.objects.get()
    assert delivery.state == State.FAILED
    assert delivery.attempts == 4
    assert delivery.sent_at is None
    assert "Connection refused" in delivery.last_error


def test_smtp_refusal_for_good_is_not_retried(smtp, post, article, reader, other_reader):
    smtp.recorder.refuse_with = "550 5.1.1 No such mailbox"
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    delivery = EmailDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.FAILED, 1)
    assert delivery.last_error.startswith("PermanentEmailError: 550")


def test_smtp_temporary_refusal_is_retried_until_accepted(
    smtp, settings, post, article, reader, other_reader
):
    settings.TASK_MAX_RETRIES = 3
    smtp.recorder.refuse_with = "451 4.3.0 Mailbox busy"
    parent = post(article, reader, "The truce will hold.")

    post(article, other_reader, "I doubt it.", parent=parent)

    delivery = EmailDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (State.FAILED, 4)
    smtp.recorder.refuse_with = None
    EmailDelivery.objects.filter(pk=delivery.pk).requeue()
    assert deliver_email.apply(args=(delivery.pk,)).get() == "done"
    assert len(smtp.recorder.wait_for(1)) == 1
