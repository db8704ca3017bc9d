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


# -- appeals: the author hears the decision ------------------------------------------------------------------
@pytest.fixture
def appealed(post, article, reader, moderator):
    """Alice's comment, hidden by a moderator, and her appeal against it."""
    from forum.moderation import appeals

    comment = post(article, reader, "Irony, clearly.")
    services.hide(comment=comment, actor=moderator, reason="abuse")
    return appeals.appeal(comment=comment, author=reader, text="Read the thread: it was irony.")


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    from forum.moderation import appeals

    def decide_appeal(appeal, moderator, grant, reason):
        with django_capture_on_commit_callbacks(execute=True):
            return appeals.decide_appeal(appeal=appeal, actor=moderator, grant=grant, reason=reason)

    return decide_appeal


def appeal_mail(mailbox):
    return [message for message in mailbox if "appeal" in message.subject]


def test_a_granted_appeal_tells_its_author_in_the_inbox(appealed, decide, reader, moderator):
    decide(appealed, moderator, grant=True, reason="Read in context, it is fine.")

    notification = Notification.objects.for_inbox(reader).get(kind=Kind.APPEAL)
    assert (notification.comment, notification.reason) == (appealed.comment, "Read in context, it is fine.")
    assert notification.summary() == (
        "Your appeal was granted: your comment on “Belarus urges truce” is shown again"
    )


def test_a_rejected_appeal_tells_its_author_although_the_comment_stays_hidden(
    appealed, decide, reader, moderator
):
    decide(appealed, moderator, grant=False, reason="A personal attack, irony or not.")

    notification = Notification.objects.for_inbox(reader).get(kind=Kind.APPEAL)
    assert notification.comment.status == "hidden"
    assert notification.reason == "A personal attack, irony or not."
    assert notification.summary() == (
        "Your appeal was rejected: your comment on “Belarus urges truce” stays hidden"
    )


def test_an_appeal_decision_is_emailed_at_once_by_default(appealed, decide, mailbox, reader, moderator):
    decide(appealed, moderator, grant=False, reason="A personal attack, irony or not.")

    [message] = appeal_mail(mailbox)
    assert message.to == [reader.email]
    assert "Your appeal was rejected" in message.subject
    assert "Reason: A personal attack, irony or not." in message.body
    assert moderator.username not in message.body  # the author never learns who decided
    assert moderator.public_name not in message.body


def test_an_appeal_decision_respects_email_off(appealed, decide, mailbox, reader, moderator):
    from forum.notifications.models import EmailMode, Preference

    Preference.objects.set_mode(reader, Kind.APPEAL, EmailMode.OFF)

    decide(appealed, moderator, grant=True, reason="Fine after all.")

    assert appeal_mail(mailbox) == []
    assert Notification.objects.for_inbox(reader).get(kind=Kind.APPEAL).email == EmailMode.OFF


def test_an_appeal_decision_can_wait_for_the_digest(appealed, decide, mailbox, reader, moderator):
    from forum.notifications import delivery
    from forum.notifications.models import EmailMode, Preference

    Preference.objects.set_mode(reader, Kind.APPEAL, EmailMode.DIGEST)
    decide(appealed, moderator, grant=True, reason="Fine after all.")
    assert appeal_mail(mailbox) == []

    delivery.prepare_digests()
    from forum.notifications.models import Digest
    from forum.notifications.tasks import deliver_digest

    deliver_digest.apply(args=(Digest.objects.get(recipient=reader).pk,))

    [digest] = [message for message in mailbox if "digest" in message.subject]
    assert "Your appeal was granted" in digest.body


def test_unhiding_a_comment_with_an_open_appeal_tells_its_author(
    appealed, reader, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.unhide(comment=appealed.comment, actor=moderator, note="On second thoughts.")

    notification = Notification.objects.get(recipient=reader, kind=Kind.APPEAL)
    assert notification.summary().startswith("Your appeal was granted")


def test_the_inbox_lists_the_decision(client, appealed, decide, reader, moderator):
    decide(appealed, moderator, grant=False, reason="A personal attack, irony or not.")
    client.force_login(reader)

    response = client.get("/notifications/")

    html = response.content.decode()
    assert "Your appeal was rejected: your comment on “Belarus urges truce” stays hidden" in html
    assert "A personal attack, irony or not." in html


def test_the_appeal_kind_is_a_preference_for_every_reader(reader):
    from forum.notifications.forms import PreferencesForm

    assert PreferencesForm(user=reader).fields[Kind.APPEAL].label == "Decisions on my appeals"
