from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.notifications import following
from forum.notifications.models import Digest, EmailMode, Kind, Preference
from forum.notifications.tasks import send_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(article):
    """Dora follows the article and the thread she starts, and gets both as a daily digest (the default)."""
    dora = UserFactory(username="dora")
    following.set_following_article(dora, article, True)
    return dora


@pytest.fixture
def run_digests(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return send_digests.apply().get()

    return run


def test_digest_gathers_the_day_in_one_email(
    mailbox, post, article, reader, other_reader, follower, run_digests
):
    post(article, reader, "The truce will hold.")
    post(article, other_reader, "Neither side has signed.")

    run_digests()

    [message] = [m for m in mailbox if m.to == [follower.email]]
    assert message.subject == "[Tribune] Your daily digest: 2 notifications"
    assert "Alice commented on “Belarus urges truce”" in message.body
    assert "Bob commented on “Belarus urges truce”" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_runs_once_a_day(mailbox, post, article, reader, follower, run_digests):
    post(article, reader, "The truce will hold.")
    run_digests()

    run_digests()

    assert len([m for m in mailbox if m.to == [follower.email]]) == 1
    assert Digest.objects.get(recipient=follower).state == State.DONE


def test_later_notifications_wait_for_the_next_day(
    mailbox, post, article, reader, other_reader, follower, run_digests
):
    post(article, reader, "The truce will hold.")
    run_digests()
    late = post(article, other_reader, "Late news.")

    run_digests()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        run_digests()

    digests = [m for m in mailbox if m.to == [follower.email]]
    assert len(digests) == 2
    assert "Late news." in digests[1].body
    assert Digest.objects.filter(recipient=follower, notifications__comment=late).count() == 1


def test_digest_leaves_out_comments_pulled_as_spam(
    mailbox, post, article, reader, other_reader, follower, run_digests
):
    post(article, reader, "The truce will hold.")
    spam = post(article, other_reader, "Cheap watches.")
    Comment.objects.filter(pk=spam.pk).update(status=Comment.Status.SPAM)

    run_digests()

    [message] = [m for m in mailbox if m.to == [follower.email]]
    assert "Cheap watches." not in message.body
    assert message.subject == "[Tribune] Your daily digest: 1 notification"


def test_digest_with_nothing_left_sends_nothing(mailbox, post, article, reader, follower, run_digests):
    spam = post(article, reader, "Cheap watches.")
    Comment.objects.filter(pk=spam.pk).update(status=Comment.Status.SPAM)

    run_digests()

    digest = Digest.objects.get(recipient=follower)
    assert [m for m in mailbox if m.to == [follower.email]] == []
    assert (digest.state, digest.note) == (State.DONE, "nothing left to send")


def test_immediate_kinds_stay_out_of_the_digest(mailbox, post, article, reader, other_reader, run_digests):
    parent = post(article, reader, "The truce will hold.")
    post(article, other_reader, "I doubt it.", parent=parent)
    mailbox.clear()

    run_digests()

    assert [m for m in mailbox if m.to == [reader.email]] == []


def test_reader_may_take_replies_as_a_digest(mailbox, post, article, reader, other_reader, run_digests):
    Preference.objects.set_mode(reader, Kind.REPLY, EmailMode.DIGEST)
    parent = post(article, reader, "The truce will hold.")
    post(article, other_reader, "I doubt it.", parent=parent)

    run_digests()

    [digest] = [m for m in mailbox if m.to == [reader.email]]
    assert "Bob replied to your comment on “Belarus urges truce”" in digest.body
