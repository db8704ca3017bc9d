"""Notifications about moderation: reports for moderators, hidden comments for their authors."""

import pytest

from forum.moderation import reports, services
from forum.notifications.models import Kind, Notification
from tests.factories import ModeratorFactory
from tests.moderation.conftest import veteran

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(django_capture_on_commit_callbacks):
    def file(comment, reporter, reason="abuse"):
        with django_capture_on_commit_callbacks(execute=True):
            return reports.report(comment=comment, reporter=reporter, reason=reason)

    return file


def test_a_report_tells_the_moderators_why(post, report, article, reader, moderator):
    comment = post(article, reader, "Something borderline.")

    report(comment, veteran(username="dora"), reason="off_topic")

    notification = Notification.objects.get(recipient=moderator, kind=Kind.REPORT)
    assert notification.comment == comment
    assert notification.reason == "Off-topic"
    assert notification.summary() == "A comment by Alice on “Belarus urges truce” was reported"


def test_a_report_does_not_name_the_reporter(post, report, article, reader, moderator):
    comment = post(article, reader, "Something borderline.")

    report(comment, veteran(username="dora"))

    assert Notification.objects.get(recipient=moderator, kind=Kind.REPORT).actor is None


def test_moderators_hear_of_a_comment_reported_once(post, report, article, reader, moderator):
    comment = post(article, reader, "Something borderline.")

    report(comment, veteran(username="dora"))
    report(comment, veteran(username="erin"))

    assert Notification.objects.filter(recipient=moderator, kind=Kind.REPORT).count() == 1


def test_a_moderator_is_not_told_of_a_report_on_their_own_comment(post, report, article, moderator):
    other_moderator = ModeratorFactory(username="dana")
    comment = post(article, moderator, "A moderator's own opinion.")

    report(comment, veteran(username="dora"))

    assert not Notification.objects.filter(recipient=moderator, kind=Kind.REPORT).exists()
    assert Notification.objects.filter(recipient=other_moderator, kind=Kind.REPORT).count() == 1


def test_a_moderator_who_reports_is_not_told_of_their_own_report(post, report, article, reader, moderator):
    comment = post(article, reader, "Something borderline.")

    report(comment, moderator)

    assert not Notification.objects.filter(recipient=moderator, kind=Kind.REPORT).exists()


def test_a_comment_hidden_by_readers_reports_tells_its_author_why(post, report, article, reader):
    comment = post(article, reader, "Alice names her neighbour.")

    for name in ("dora", "erin", "fred"):
        report(comment, veteran(username=name), reason="personal_data")

    comment.refresh_from_db()
    notification = Notification.objects.get(recipient=reader, kind=Kind.HIDDEN)
    assert comment.status == "hidden"
    assert (notification.reason, notification.actor) == ("Personal data", None)
    assert notification.summary() == "Your comment on “Belarus urges truce” was hidden"


def test_a_comment_hidden_by_a_moderator_tells_its_author_the_reason_in_words(
    post, article, reader, moderator, django_capture_on_commit_callbacks
):
    comment = post(article, reader, "Something rude.")

    with django_capture_on_commit_callbacks(execute=True):
        services.hide(comment=comment, actor=moderator, reason="abuse")

    assert Notification.objects.get(recipient=reader, kind=Kind.HIDDEN).reason == "Abuse"
