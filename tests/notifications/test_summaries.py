"""No e-mail floods: a storm in a stream gives each reader one e-mail now and one summary per window."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext, override

from forum.lib import outbox
from forum.lib.outbox import State
from forum.moderation import reports
from forum.notifications.models import EmailMode, EmailSummary, Kind, Notification, Preference
from tests.factories import CommentFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTES = 10


@pytest.fixture(autouse=True)
def windows(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.NOTIFICATIONS_MODERATOR_EMAIL_MINUTES = MINUTES
    settings.NOTIFICATIONS_THREAD_EMAIL_MINUTES = MINUTES


@pytest.fixture
def report(django_capture_on_commit_callbacks):
    def file(comment, reporter, reason="abuse"):
        with django_capture_on_commit_callbacks(execute=True):
            return reports.report(comment=comment, reporter=reporter, reason=reason)

    return file


@pytest.fixture
def later(django_capture_on_commit_callbacks):
    """Move the clock on by `minutes` and run the sweep there, as beat would."""
    travellers = []

    def sweep_after(minutes: float) -> None:
        traveller = time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)
        traveller.start()
        travellers.append(traveller)
        with django_capture_on_commit_callbacks(execute=True):
            outbox.sweep_all()

    yield sweep_after
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def moderators(db):
    return [ModeratorFactory(username="charlie"), ModeratorFactory(username="dora")]


def addressed_to(mailbox, user):
    return [message for message in mailbox if message.to == [user.email]]


def test_forty_reports_email_each_moderator_once_now(mailbox, report, article, reader, moderators):
    reporter = UserFactory(username="eve")
    for comment in CommentFactory.create_batch(40, article=article, author=reader):
        report(comment, reporter)

    assert sorted(m.to[0] for m in mailbox) == sorted(m.email for m in moderators)
    assert all(
        m.subject == "[Tribune] A comment by Alice on “Belarus urges truce” was reported" for m in mailbox
    )


def test_the_inbox_still_gets_every_report(mailbox, report, article, reader, moderators):
    reporter = UserFactory(username="eve")
    for comment in CommentFactory.create_batch(40, article=article, author=reader):
        report(comment, reporter)

    for moderator in moderators:
        assert Notification.objects.filter(recipient=moderator, kind=Kind.REPORT).count() == 40


def test_after_the_window_each_moderator_gets_one_summary_counting_the_rest(
    mailbox, report, later, article, reader, moderators
):
    reporter = UserFactory(username="eve")
    for comment in CommentFactory.create_batch(40, article=article, author=reader):
        report(comment, reporter)
    mailbox.clear()

    later(MINUTES - 1)
    assert mailbox == []
    later(2)

    assert sorted(m.to[0] for m in mailbox) == sorted(m.email for m in moderators)
    message = addressed_to(mailbox, moderators[0])[0]
    assert message.subject == "[Tribune] 39 new items for moderators"
    assert "* 39 new reports\n" in message.body
    assert "held for review" not in message.body


def test_the_summary_counts_held_comments_and_reports_apart(
    mailbox, post, report, later, premoderation, article, reader, other_reader, moderators
):
    premoderation()
    post(article, reader, "First held comment.")  # e-mailed at once: it opens the window
    post(article, reader, "Second held comment.")
    post(article, other_reader, "Third held comment.")
    report(CommentFactory(article=article, author=reader), other_reader)
    assert len(addressed_to(mailbox, moderators[0])) == 1
    mailbox.clear()

    later(MINUTES + 1)

    message = addressed_to(mailbox, moderators[0])[0]
    assert message.subject == "[Tribune] 3 new items for moderators"
    assert "* 1 new report\n" in message.body
    assert "* 2 comments held for review\n" in message.body
    assert "Open the moderation queue: http://127.0.0.1:8000/moderation/\n" in message.body
    html, _mimetype = message.alternatives[0]
    assert '<a href="http://127.0.0.1:8000/moderation/">Open the moderation queue</a>' in html
    assert "<li><strong>2 comments held for review</strong></li>" in html


def test_a_summary_lists_its_items_with_links(mailbox, report, later, article, reader, moderator):
    reporter = UserFactory(username="eve")
    first, second = CommentFactory.create_batch(2, article=article, author=reader)
    report(first, reporter)
    report(second, reporter)
    mailbox.clear()

    later(MINUTES + 1)

    (message,) = mailbox
    assert (
        "- A comment by Alice on “Belarus urges truce” was reported\n"
        f"  http://127.0.0.1:8000/articles/belarus-urges-truce/comments/{second.pk}/"
    ) in message.body
    assert message.extra_headers["Message-ID"].startswith("<tribune.summary.")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_summary_is_written_in_the_moderators_language(mailbox, report, later, article, reader):
    moderator = ModeratorFactory(username="olena", language="uk")
    reporter = UserFactory(username="eve")
    for comment in CommentFactory.create_batch(3, article=article, author=reader):
        report(comment, reporter)
    mailbox.clear()

    later(MINUTES + 1)

    (message,) = addressed_to(mailbox, moderator)
    with override("uk"):
        ukrainian = gettext("Change them:")
    assert ukrainian != "Change them:"
    assert f"{ukrainian} http://127.0.0.1:8000/notifications/" in message.body


def test_a_window_with_nothing_in_it_sends_nothing(mailbox, report, later, article, reader, moderator):
    report(CommentFactory(article=article, author=reader), UserFactory(username="eve"))
    mailbox.clear()

    later(MINUTES + 1)

    assert mailbox == []
    assert EmailSummary.objects.get().note == "nothing came in"


def test_after_a_quiet_window_the_next_report_is_emailed_at_once(
    mailbox, report, later, article, reader, moderator
):
    reporter = UserFactory(username="eve")
    report(CommentFactory(article=article, author=reader), reporter)
    later(MINUTES + 1)
    mailbox.clear()

    report(CommentFactory(article=article, author=reader), reporter)

    (message,) = mailbox
    assert message.subject == "[Tribune] A comment by Alice on “Belarus urges truce” was reported"


def test_after_a_summary_the_next_window_holds_back_again(mailbox, report, later, article, reader, moderator):
    reporter = UserFactory(username="eve")
    report(CommentFactory(article=article, author=reader), reporter)
    report(CommentFactory(article=article, author=reader), reporter)
    later(MINUTES + 1)  # the summary: it opens the next window
    mailbox.clear()

    report(CommentFactory(article=article, author=reader), reporter)
    assert mailbox == []
    later(MINUTES + 1)

    (message,) = mailbox
    assert message.subject == "[Tribune] 1 new item for moderators"


def test_the_sweep_sends_a_summary_again_when_the_broker_lost_it(
    mailbox, monkeypatch, report, later, article, reader, moderator
):
    reporter = UserFactory(username="eve")
    report(CommentFactory(article=article, author=reader), reporter)
    report(CommentFactory(article=article, author=reader), reporter)
    mailbox.clear()
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "enqueue", lambda model, pk, countdown=None: False)  # the broker is down
        later(MINUTES + 1)
    assert mailbox == []
    later(1)  # the sweep waits OUTBOX_SWEEP_AFTER before enqueueing it again
    assert mailbox == []

    later(2)

    (message,) = mailbox
    assert message.subject == "[Tribune] 1 new item for moderators"
    assert EmailSummary.objects.filter(state=State.DONE).count() == 1


def test_moderators_with_report_emails_off_get_no_summary(mailbox, report, later, article, reader, moderator):
    reporter = UserFactory(username="eve")
    report(CommentFactory(article=article, author=reader), reporter)
    report(CommentFactory(article=article, author=reader), reporter)
    Preference.objects.set_mode(moderator, Kind.REPORT, EmailMode.OFF)
    mailbox.clear()

    later(MINUTES + 1)

    assert mailbox == []


def test_no_window_when_the_setting_is_zero(mailbox, settings, report, article, reader, moderator):
    settings.NOTIFICATIONS_MODERATOR_EMAIL_MINUTES = 0
    reporter = UserFactory(username="eve")
    for comment in CommentFactory.create_batch(3, article=article, author=reader):
        report(comment, reporter)

    assert len(mailbox) == 3
    assert not EmailSummary.objects.exists()


def test_a_reply_storm_emails_the_parent_author_once_then_a_summary(
    mailbox, post, later, article, reader, other_reader
):
    parent = post(article, reader, "The truce will hold.")
    post(article, other_reader, "I doubt it.", parent=parent)
    for n, replier in enumerate(UserFactory.create_batch(29)):  # many readers, or the spam check holds them
        post(article, replier, f"Reply number {n}.", parent=parent)

    (message,) = mailbox
    assert message.subject == "[Tribune] Bob replied to your comment on “Belarus urges truce”"
    mailbox.clear()
    later(MINUTES + 1)

    (message,) = mailbox
    assert message.subject == "[Tribune] 29 new notifications in a thread on “Belarus urges truce”"
    assert "* 29 replies to your comments\n" in message.body
    assert f"Read the thread: http://127.0.0.1:8000/articles/belarus-urges-truce/comments/{parent.pk}/" in (
        message.body
    )
    assert "and 9 more" in message.body
    assert Notification.objects.filter(recipient=reader, kind=Kind.REPLY).count() == 30


def test_replies_in_another_thread_are_not_held_back(mailbox, post, article, reader, other_reader):
    first = post(article, reader, "The truce will hold.")
    second = post(article, reader, "Sanctions will follow.")
    post(article, other_reader, "I doubt it.", parent=first)
    post(article, other_reader, "Not this year.", parent=second)

    assert len(mailbox) == 2


def test_a_reply_storm_does_not_hold_back_the_moderators(
    mailbox, post, report, article, reader, other_reader, moderator
):
    parent = post(article, moderator, "Please keep it civil.")
    post(article, other_reader, "Fine.", parent=parent)
    report(CommentFactory(article=article, author=reader), other_reader)

    assert [m.subject for m in mailbox] == [
        "[Tribune] Bob replied to your comment on “Belarus urges truce”",
        "[Tribune] A comment by Alice on “Belarus urges truce” was reported",
    ]


def test_a_summary_leaves_out_comments_pulled_since(mailbox, post, later, article, reader, other_reader):
    from forum.comments.models import Comment

    parent = post(article, reader, "The truce will hold.")
    post(article, other_reader, "I doubt it.", parent=parent)  # e-mailed at once
    post(article, other_reader, "Not this year.", parent=parent)
    spam = post(article, other_reader, "Buy cheap watches.", parent=parent)
    Comment.objects.filter(pk=spam.pk).update(status=Comment.Status.HIDDEN)
    mailbox.clear()

    later(MINUTES + 1)

    (message,) = mailbox
    assert "* 1 reply to your comments\n" in message.body
