"""forum/notifications/receivers.py: comment and moderation events become notification jobs."""

import pytest

from forum.comments.models import Comment
from forum.comments.signals import comment_edited, comment_posted, comment_status_changed
from forum.lib.outbox import State
from forum.moderation.models import Report
from forum.moderation.signals import report_filed
from forum.notifications.models import NotificationJob
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

Event = NotificationJob.Event
Status = Comment.Status


def jobs(comment):
    return list(NotificationJob.objects.filter(comment=comment).values_list("event", "state"))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.PUBLISHED, [(Event.PUBLISHED, State.PENDING)]),
        (Status.PENDING, [(Event.HELD, State.PENDING)]),
        (Status.SPAM, []),
    ],
)
def test_a_posted_comment_records_the_job_its_status_calls_for(status, expected):
    comment = CommentFactory(status=status)

    comment_posted.send(sender=Comment, comment=comment, context={})

    assert jobs(comment) == expected


def test_posting_twice_records_one_job():
    comment = CommentFactory()

    comment_posted.send(sender=Comment, comment=comment, context={})
    comment_posted.send(sender=Comment, comment=comment, context={})

    assert jobs(comment) == [(Event.PUBLISHED, State.PENDING)]


def test_an_edit_runs_the_published_job_again():
    comment = CommentFactory()
    NotificationJob.objects.create(comment=comment, event=Event.PUBLISHED, state=State.DONE)

    comment_edited.send(sender=Comment, comment=comment)

    assert jobs(comment) == [(Event.PUBLISHED, State.PENDING)]


def test_an_edit_of_a_held_comment_records_nothing():
    comment = CommentFactory(status=Status.PENDING)

    comment_edited.send(sender=Comment, comment=comment)

    assert jobs(comment) == []


def test_hiding_records_the_job_with_actor_and_reason(moderator):
    comment = CommentFactory()

    comment_status_changed.send(
        sender=Comment,
        comment=comment,
        old_status=Status.PUBLISHED,
        new_status=Status.HIDDEN,
        actor=moderator,
        reason="Name-calling",
    )

    job = NotificationJob.objects.get(comment=comment)
    assert (job.event, job.actor, job.reason) == (Event.HIDDEN, moderator, "Name-calling")


@pytest.mark.parametrize(
    ("new", "event"), [(Status.PUBLISHED, Event.PUBLISHED), (Status.PENDING, Event.HELD)]
)
def test_a_status_change_to_public_or_held_records_its_job(new, event, moderator):
    comment = CommentFactory(status=new)

    comment_status_changed.send(
        sender=Comment, comment=comment, old_status=Status.SPAM, new_status=new, actor=moderator
    )

    assert jobs(comment) == [(event, State.PENDING)]


def test_a_status_change_to_spam_records_nothing(moderator):
    comment = CommentFactory(status=Status.SPAM)

    comment_status_changed.send(
        sender=Comment, comment=comment, old_status=Status.PUBLISHED, new_status=Status.SPAM, actor=moderator
    )

    assert jobs(comment) == []


def test_a_report_records_a_job_for_the_moderators(other_reader):
    comment = CommentFactory()
    report = Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1.0)

    report_filed.send(sender=Report, report=report)

    job = NotificationJob.objects.get(comment=comment)
    assert (job.event, job.actor, job.reason) == (Event.REPORTED, other_reader, report.get_reason_display())


def test_a_report_whose_comment_is_gone_records_nothing(other_reader):
    report = Report(comment=None, reporter=other_reader, reason="abuse", weight=1.0)

    report_filed.send(sender=Report, report=report)

    assert not NotificationJob.objects.exists()
