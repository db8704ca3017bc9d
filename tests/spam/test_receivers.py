"""forum/spam/receivers.py: comment events become spam checks and filter training, stored with the comment."""

import pytest

from forum.comments.models import Comment
from forum.comments.signals import comment_edited, comment_posted, comment_status_changed
from forum.lib.outbox import State
from forum.spam import receivers
from forum.spam.models import SpamCheck, Training
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

Status = Comment.Status


def test_clean_context_keeps_only_what_the_checks_read():
    context = {
        "ip_hash": "h1:" + "a" * 64,
        "browser": "Firefox",
        "honeypot": True,
        "seconds_to_submit": 4,
        "cookie": "secret",
    }

    assert receivers.clean_context(context) == {
        "ip_hash": "h1:" + "a" * 64,
        "browser": "Firefox",
        "honeypot": True,
        "seconds_to_submit": 4.0,
    }


def test_clean_context_never_keeps_a_raw_address_or_user_agent():
    context = {
        "ip": "192.0.2.1",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "ip_hash": "192.0.2.1",
        "browser": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    }

    assert receivers.clean_context(context) == {"browser": "Other"}


def test_clean_context_drops_values_of_the_wrong_type():
    context = {"ip_hash": 3, "browser": None, "honeypot": "yes", "seconds_to_submit": True}

    assert (receivers.clean_context(context), receivers.clean_context(None)) == ({}, {})


def test_a_posted_comment_gets_one_check_with_its_context():
    comment = CommentFactory()

    comment_posted.send(sender=Comment, comment=comment, context={"ip_hash": "h1:ab", "extra": 1})
    comment_posted.send(sender=Comment, comment=comment, context={"ip_hash": "h1:ab"})

    check = SpamCheck.objects.get(comment=comment)
    assert (check.key, check.context, check.state) == (
        f"{comment.pk}:posted",
        {"ip_hash": "h1:ab"},
        State.PENDING,
    )


def test_each_edited_version_gets_its_own_check():
    comment = CommentFactory()

    comment_edited.send(sender=Comment, comment=comment)
    comment.edited_at = comment.created_at.replace(year=comment.created_at.year + 1)
    comment_edited.send(sender=Comment, comment=comment)

    keys = sorted(SpamCheck.objects.filter(comment=comment).values_list("key", flat=True))
    assert len(keys) == 2
    assert all(key.startswith(f"{comment.pk}:edited:") for key in keys)


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        (Status.PUBLISHED, Status.SPAM, Training.Label.SPAM),
        (Status.PENDING, Status.SPAM, Training.Label.SPAM),
        (Status.SPAM, Status.PUBLISHED, Training.Label.HAM),
        (Status.PENDING, Status.PUBLISHED, Training.Label.HAM),
        (Status.HIDDEN, Status.PUBLISHED, None),
        (Status.PUBLISHED, Status.HIDDEN, None),
    ],
)
def test_decision_label(old, new, label):
    assert receivers.decision_label(old, new) == label


def test_a_moderator_marking_spam_trains_the_filter(moderator):
    comment = CommentFactory()

    comment_status_changed.send(
        sender=Comment, comment=comment, old_status=Status.PUBLISHED, new_status=Status.SPAM, actor=moderator
    )

    training = Training.objects.get(comment=comment)
    assert (training.label, training.state) == (Training.Label.SPAM, State.PENDING)


def test_a_changed_decision_retrains(moderator):
    comment = CommentFactory()
    Training.objects.create(comment=comment, label=Training.Label.SPAM, state=State.DONE)

    comment_status_changed.send(
        sender=Comment, comment=comment, old_status=Status.SPAM, new_status=Status.PUBLISHED, actor=moderator
    )

    training = Training.objects.get(comment=comment)
    assert (training.label, training.state) == (Training.Label.HAM, State.PENDING)


def test_the_same_decision_again_does_not_retrain(moderator):
    comment = CommentFactory()
    Training.objects.create(comment=comment, label=Training.Label.SPAM, state=State.DONE)

    comment_status_changed.send(
        sender=Comment, comment=comment, old_status=Status.PUBLISHED, new_status=Status.SPAM, actor=moderator
    )

    assert Training.objects.get(comment=comment).state == State.DONE


@pytest.mark.parametrize("actor", ["none", "reader"])
def test_only_moderators_decisions_train(actor, reader):
    comment = CommentFactory()

    comment_status_changed.send(
        sender=Comment,
        comment=comment,
        old_status=Status.PUBLISHED,
        new_status=Status.SPAM,
        actor=reader if actor == "reader" else None,
    )

    assert not Training.objects.filter(comment=comment).exists()
