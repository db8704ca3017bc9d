import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum.comments.models import Comment
from forum.moderation import appeals, reports, services
from forum.moderation.models import Appeal, ModerationAction, Report
from forum.moderation.signals import appeal_decided
from tests.moderation.conftest import refresh, veteran

pytestmark = pytest.mark.django_db
Kind = ModerationAction.Kind


@pytest.fixture
def hidden(comment, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    return comment


@pytest.fixture
def decisions():
    received = []
    appeal_decided.connect(lambda sender, **kw: received.append(kw["appeal"]), weak=False, dispatch_uid="t")
    yield received
    appeal_decided.disconnect(dispatch_uid="t")


def test_the_author_appeals_once(hidden, reader):
    filed = appeals.appeal(comment=hidden, author=reader, text="It was irony, read the thread.")

    assert (filed.comment, filed.author, filed.status, filed.text) == (
        hidden,
        reader,
        Appeal.Status.OPEN,
        "It was irony, read the thread.",
    )
    entry = ModerationAction.objects.filter(kind=Kind.APPEAL).get()
    assert (entry.actor, entry.note) == (reader, "It was irony, read the thread.")


def test_a_second_appeal_is_refused(hidden, reader):
    appeals.appeal(comment=hidden, author=reader, text="First")

    with pytest.raises(ValidationError, match="already appealed"):
        appeals.appeal(comment=hidden, author=reader, text="Second")

    assert Appeal.objects.count() == 1


def test_no_second_appeal_after_a_rejection(hidden, reader, moderator):
    appeal = appeals.appeal(comment=hidden, author=reader, text="First")
    appeals.decide_appeal(appeal=appeal, actor=moderator, grant=False, reason="Clear insult")

    with pytest.raises(ValidationError):
        appeals.appeal(comment=hidden, author=reader, text="Again")


def test_only_the_author_appeals(hidden, other_reader, moderator):
    for stranger in (other_reader, moderator):
        with pytest.raises(PermissionDenied):
            appeals.appeal(comment=hidden, author=stranger, text="Not mine")

    assert not Appeal.objects.exists()


def test_only_a_hidden_comment_is_appealed(comment, reader):
    with pytest.raises(ValidationError, match="Only a hidden comment"):
        appeals.appeal(comment=comment, author=reader, text="Why?")


@pytest.mark.parametrize("text", ["", "   ", "x" * 501])
def test_an_appeal_needs_a_short_text(hidden, reader, text):
    with pytest.raises(ValidationError):
        appeals.appeal(comment=hidden, author=reader, text=text)

    assert not Appeal.objects.exists()


def test_granting_shows_the_comment_again(hidden, reader, moderator, decisions):
    appeal = appeals.appeal(comment=hidden, author=reader, text="Irony")

    decided = appeals.decide_appeal(
        appeal=appeal, actor=moderator, grant=True, reason="Read in context, fine"
    )

    assert refresh(hidden).status == Comment.Status.PUBLISHED
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        Appeal.Status.GRANTED,
        moderator,
        "Read in context, fine",
    )
    entry = ModerationAction.objects.order_by("pk").last()
    assert (entry.kind, entry.status_before, entry.status_after, entry.note) == (
        Kind.APPEAL_GRANTED,
        "hidden",
        "published",
        "Read in context, fine",
    )
    assert decisions == [decided]


def test_rejecting_keeps_it_hidden_and_records_the_reason(hidden, reader, moderator, decisions):
    appeal = appeals.appeal(comment=hidden, author=reader, text="Irony")

    decided = appeals.decide_appeal(appeal=appeal, actor=moderator, grant=False, reason="Clear insult")

    assert refresh(hidden).status == Comment.Status.HIDDEN
    assert (decided.status, decided.decision_reason) == (Appeal.Status.REJECTED, "Clear insult")
    entry = ModerationAction.objects.order_by("pk").last()
    assert (entry.kind, entry.status_before, entry.status_after) == (Kind.APPEAL_REJECTED, "hidden", "hidden")
    assert decisions == [decided]


def test_granting_an_appeal_against_reports_dismisses_them(comment, reader):
    for _ in range(3):
        reports.report(comment=comment, reporter=veteran(), reason="abuse")
    assert refresh(comment).status == Comment.Status.HIDDEN
    from tests.factories import ModeratorFactory

    appeal = appeals.appeal(comment=comment, author=reader, text="Brigading")
    appeals.decide_appeal(appeal=appeal, actor=ModeratorFactory(), grant=True, reason="Nothing wrong")

    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.DISMISSED}


def test_an_appeal_is_decided_once(hidden, reader, moderator):
    appeal = appeals.appeal(comment=hidden, author=reader, text="Irony")
    appeals.decide_appeal(appeal=appeal, actor=moderator, grant=False, reason="No")

    with pytest.raises(ValidationError, match="already been decided"):
        appeals.decide_appeal(appeal=appeal, actor=moderator, grant=True, reason="Yes")

    assert refresh(hidden).status == Comment.Status.HIDDEN


def test_a_decision_needs_a_reason(hidden, reader, moderator):
    appeal = appeals.appeal(comment=hidden, author=reader, text="Irony")

    with pytest.raises(ValidationError):
        appeals.decide_appeal(appeal=appeal, actor=moderator, grant=True, reason=" ")

    assert refresh(appeal).status == Appeal.Status.OPEN


def test_only_moderators_decide(hidden, reader, editor):
    appeal = appeals.appeal(comment=hidden, author=reader, text="Irony")

    for actor in (reader, editor):
        with pytest.raises(PermissionDenied):
            appeals.decide_appeal(appeal=appeal, actor=actor, grant=True, reason="Mine")

    assert refresh(appeal).status == Appeal.Status.OPEN
