from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forum.comments import posting
from forum.comments.models import Comment
from forum.moderation import reports, services, suspensions
from forum.moderation.models import ModerationAction, Report
from forum.moderation.signals import report_filed
from tests.factories import CommentFactory, UserFactory
from tests.moderation.conftest import refresh, veteran

pytestmark = pytest.mark.django_db
Status = Comment.Status


def record(user, *, upheld: int, dismissed: int) -> None:
    """Give a reader a record of decided reports on other comments."""
    for _ in range(upheld):
        Report.objects.create(
            comment=CommentFactory(), reporter=user, reason="abuse", weight=1, status=Report.Status.UPHELD
        )
    for _ in range(dismissed):
        Report.objects.create(
            comment=CommentFactory(), reporter=user, reason="abuse", weight=1, status=Report.Status.DISMISSED
        )


def test_report_is_stored_with_the_reporters_weight(comment):
    bob = veteran(username="bob")

    filed = reports.report(comment=comment, reporter=bob, reason="abuse", note="Calls me names")

    assert Report.objects.get() == filed
    assert (filed.reason, filed.note, filed.weight, filed.from_new_account, filed.status) == (
        "abuse",
        "Calls me names",
        1.0,
        False,
        Report.Status.OPEN,
    )


def test_report_sends_report_filed(comment):
    received = []
    report_filed.connect(lambda sender, **kw: received.append(kw["report"]), weak=False, dispatch_uid="t")
    try:
        filed = reports.report(comment=comment, reporter=veteran(), reason="spam")
    finally:
        report_filed.disconnect(dispatch_uid="t")

    assert received == [filed]


def test_weight_of_a_reader_without_record_is_one():
    assert reports.report_weight(veteran()) == 1.0


def test_weight_grows_with_upheld_reports():
    reliable = veteran()
    record(reliable, upheld=8, dismissed=0)

    assert reports.report_weight(reliable) == pytest.approx(2 * 9 / 10)


def test_weight_shrinks_with_dismissed_reports():
    unreliable = veteran()
    record(unreliable, upheld=0, dismissed=8)

    assert reports.report_weight(unreliable) == pytest.approx(2 * 1 / 10)


def test_open_reports_do_not_count_in_the_record():
    reader = veteran()
    Report.objects.create(comment=CommentFactory(), reporter=reader, reason="abuse", weight=1)

    assert reports.report_weight(reader) == 1.0


def test_new_accounts_weigh_least_whatever_their_record():
    fresh = UserFactory(date_joined=timezone.now() - timedelta(days=2))
    record(fresh, upheld=5, dismissed=0)

    assert reports.report_weight(fresh) == reports.NEW_ACCOUNT_WEIGHT
    assert reports.report_weight(fresh) < reports.report_weight(veteran())


def test_three_established_readers_hide_the_comment(comment):
    for _ in range(2):
        reports.report(comment=comment, reporter=veteran(), reason="abuse")
    assert refresh(comment).status == Status.PUBLISHED

    reports.report(comment=comment, reporter=veteran(), reason="abuse")

    assert refresh(comment).status == Status.HIDDEN
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.actor, entry.reason, entry.status_after) == (
        ModerationAction.Kind.AUTO_HIDE,
        None,
        "abuse",
        "hidden",
    )
    assert Report.objects.open().count() == 3  # they wait for a moderator's decision


def test_fresh_accounts_alone_never_reach_the_threshold(comment):
    for _ in range(30):
        reports.report(comment=comment, reporter=UserFactory(), reason="abuse")

    assert refresh(comment).status == Status.PUBLISHED
    open_reports = list(Report.objects.open())
    assert reports.weighted_score(open_reports) == pytest.approx(1.5)


def test_fresh_accounts_count_beside_established_ones(comment):
    reliable = veteran()
    record(reliable, upheld=8, dismissed=0)  # weight 1.8
    reports.report(comment=comment, reporter=reliable, reason="abuse")
    for _ in range(4):
        reports.report(comment=comment, reporter=UserFactory(), reason="abuse")  # 4 × 0.25
    assert refresh(comment).status == Status.PUBLISHED  # 2.8

    reports.report(comment=comment, reporter=UserFactory(), reason="abuse")  # 3.05

    assert refresh(comment).status == Status.HIDDEN


def test_unreliable_reporters_do_not_reach_the_threshold(comment):
    for _ in range(5):
        unreliable = veteran()
        record(unreliable, upheld=0, dismissed=3)  # weight 0.4
        reports.report(comment=comment, reporter=unreliable, reason="abuse")

    assert refresh(comment).status == Status.PUBLISHED


def test_the_threshold_is_a_setting(comment, settings):
    settings.MODERATION_REPORT_THRESHOLD = 1

    reports.report(comment=comment, reporter=veteran(), reason="spam")

    assert refresh(comment).status == Status.HIDDEN


def test_reports_never_hide_a_comment_a_moderator_approved(comment, moderator):
    reports.report(comment=comment, reporter=veteran(), reason="abuse")
    services.approve(comment=comment, actor=moderator)

    for _ in range(4):
        reports.report(comment=comment, reporter=veteran(), reason="abuse")

    assert refresh(comment).status == Status.PUBLISHED
    assert Report.objects.open().count() == 4


def test_reports_hide_an_approved_comment_again_once_its_author_edits_it(comment, reader, moderator):
    reports.report(comment=comment, reporter=veteran(), reason="abuse")
    services.approve(comment=comment, actor=moderator)
    posting.edit_comment(comment=comment, user=reader, body="Now something the moderator never read.")

    for _ in range(3):
        reports.report(comment=comment, reporter=veteran(), reason="abuse")

    assert refresh(comment).status == Status.HIDDEN
    assert (
        ModerationAction.objects.filter(comment_id=comment.pk).latest("pk").kind
        == ModerationAction.Kind.AUTO_HIDE
    )


def test_approving_the_edited_text_protects_it_from_reports_again(comment, reader, moderator):
    reports.report(comment=comment, reporter=veteran(), reason="abuse")
    services.approve(comment=comment, actor=moderator)
    posting.edit_comment(comment=comment, user=reader, body="Edited, then read by a moderator.")
    reports.report(comment=comment, reporter=veteran(), reason="abuse")
    services.approve(comment=comment, actor=moderator)

    for _ in range(4):
        reports.report(comment=comment, reporter=veteran(), reason="abuse")

    assert refresh(comment).status == Status.PUBLISHED


def test_auto_hide_takes_the_most_frequent_reason(comment):
    reports.report(comment=comment, reporter=veteran(), reason="spam")
    reports.report(comment=comment, reporter=veteran(), reason="personal_data")
    reports.report(comment=comment, reporter=veteran(), reason="personal_data")

    assert ModerationAction.objects.get().reason == "personal_data"


def test_a_reader_reports_a_comment_once(comment, other_reader):
    reports.report(comment=comment, reporter=other_reader, reason="abuse")

    with pytest.raises(ValidationError, match="already reported"):
        reports.report(comment=comment, reporter=other_reader, reason="spam")

    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_report(comment, other_reader):
    from django.db import IntegrityError, transaction

    Report.objects.create(comment=comment, reporter=other_reader, reason="abuse", weight=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(comment=comment, reporter=other_reader, reason="spam", weight=1)


def test_an_author_cannot_report_their_own_comment(comment, reader):
    with pytest.raises(PermissionDenied):
        reports.report(comment=comment, reporter=reader, reason="abuse")

    assert not Report.objects.exists()


def test_a_suspended_reader_cannot_report(comment, other_reader, moderator):
    suspensions.suspend(user=other_reader, duration="7", reason="Trolling", actor=moderator)

    with pytest.raises(PermissionDenied, match="suspended"):
        reports.report(comment=comment, reporter=other_reader, reason="abuse")

    assert not Report.objects.exists()


def test_anonymous_cannot_report(comment):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        reports.report(comment=comment, reporter=AnonymousUser(), reason="abuse")


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.PENDING, Status.SPAM, Status.DELETED])
def test_only_a_published_comment_can_be_reported(article, reader, other_reader, status):
    unshown = CommentFactory(article=article, author=reader, status=status)

    with pytest.raises(ValidationError, match="nothing to report"):
        reports.report(comment=unshown, reporter=other_reader, reason="abuse")


def test_illegal_content_needs_the_law(comment, other_reader):
    with pytest.raises(ValidationError) as error:
        reports.report(comment=comment, reporter=other_reader, reason="illegal", law="  ")

    assert error.value.message_dict == {"law": ["Name the law this comment breaks."]}


def test_illegal_content_with_the_law_is_stored(comment, other_reader):
    filed = reports.report(comment=comment, reporter=other_reader, reason="illegal", law="StGB § 130")

    assert (filed.reason, filed.law) == ("illegal", "StGB § 130")


def test_the_law_is_dropped_for_other_reasons(comment, other_reader):
    filed = reports.report(comment=comment, reporter=other_reader, reason="spam", law="Something")

    assert filed.law == ""


@pytest.mark.parametrize("reason", ["", "nonsense", None])
def test_report_refuses_an_unknown_reason(comment, other_reader, reason):
    with pytest.raises(ValidationError):
        reports.report(comment=comment, reporter=other_reader, reason=reason)

    assert not Report.objects.exists()


def test_report_refuses_an_overlong_note(comment, other_reader):
    with pytest.raises(ValidationError):
        reports.report(comment=comment, reporter=other_reader, reason="abuse", note="x" * 1001)
