"""The heuristics and the thresholds, through a real post and the eager spam-check task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.comments import posting
from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.spam import scoring
from forum.spam.models import BlockedTerm, SpamCheck, Training
from forum.spam.tasks import check_comment
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regular():
    """A reader whose account is a year old (new accounts are themselves a weak sign)."""
    return UserFactory(username="grace", date_joined=timezone.now() - timedelta(days=365))


HUMAN = {"ip_hash": "h1:ab12", "browser": "Firefox", "honeypot": False, "seconds_to_submit": 42.0}


def test_clean_comment_stays_published_with_its_score(post, article, regular):
    comment = post(article, regular, "The truce looks fragile to me.", context=HUMAN)

    assert comment.status == Comment.Status.PUBLISHED
    assert (comment.spam_score, comment.spam_reasons) == (0.0, [])
    assert SpamCheck.objects.get(comment=comment).verdict == "publish"


def test_new_account_is_a_weak_sign_only(post, article):
    newcomer = UserFactory(username="nina")

    comment = post(article, newcomer, "Hello all.", context=HUMAN)

    assert comment.status == Comment.Status.PUBLISHED
    assert comment.spam_score == 0.15
    assert comment.spam_reasons == ["account created 0 minutes before"]


def test_a_few_links_are_fine(post, article, regular):
    body = "See https://a.example/1 and https://b.example/2"

    comment = post(article, regular, body, context=HUMAN)

    assert (comment.status, comment.spam_reasons) == (Comment.Status.PUBLISHED, [])


def test_many_links_hold_the_comment(post, article, regular):
    body = " ".join(f"https://site{n}.example/offer" for n in range(6))

    comment = post(article, regular, body, context=HUMAN)

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == ["6 links"]
    assert comment.spam_score == 0.75


def test_blocked_domain_marks_spam_including_subdomains(post, article, regular):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="Pills.example")

    comment = post(article, regular, "Order at [our shop](https://www.shop.pills.example/buy)", context=HUMAN)

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == ["blocked domain: pills.example"]


def test_blocked_word_holds_the_comment(post, article, regular):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="online casino")

    comment = post(article, regular, "Best Online Casino bonus!", context=HUMAN)

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == ["blocked word: online casino"]


def test_blocked_word_matches_whole_words_only(post, article, regular):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="cialis")

    comment = post(article, regular, "Specialists disagree.", context=HUMAN)

    assert comment.spam_reasons == []


def test_filled_honeypot_marks_spam(post, article, regular):
    comment = post(article, regular, "Nice article.", context={**HUMAN, "honeypot": True})

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == ["the hidden form field was filled in"]


def test_too_fast_submit_holds_the_comment(post, article, regular):
    comment = post(article, regular, "Nice article.", context={**HUMAN, "seconds_to_submit": 1.2})

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == ["sent 1.2 s after the form was shown"]


def test_missing_or_malformed_context_is_ignored(post, article, regular):
    comment = post(article, regular, "Nice article.", context={"honeypot": "yes", "seconds_to_submit": "0"})

    assert comment.spam_reasons == []
    assert SpamCheck.objects.get(comment=comment).context == {}


def test_text_repeated_across_articles_is_a_sign(post, regular):
    # Exactly the same text twice is refused by posting itself (COMMENTS_DUPLICATE_MINUTES); the spam check
    # catches what differs only in case and spacing.
    for text in ["Visit my profile for great deals!", "VISIT my profile for great deals!"]:
        post(ArticleFactory(), regular, text, context=HUMAN)

    comment = post(ArticleFactory(), regular, "visit my profile   for great deals!", context=HUMAN)

    assert comment.spam_reasons == ["same text as 2 recent comments"]
    assert comment.status == Comment.Status.PENDING


def test_posting_often_is_a_sign_but_alone_holds_nothing(post, article, regular, settings):
    settings.SPAM_RATE_LIMIT = 3
    for n in range(3):
        post(article, regular, f"Point number {n}.", context=HUMAN)

    comment = post(article, regular, "Point number 3.", context=HUMAN)

    assert comment.spam_reasons == ["4 comments in 10 minutes"]
    assert (comment.status, comment.spam_score) == (Comment.Status.PUBLISHED, 0.35)


def test_posting_far_above_the_rate_holds(post, article, regular, settings):
    settings.SPAM_RATE_LIMIT = 2
    for n in range(6):
        post(article, regular, f"Point number {n}.", context=HUMAN)

    comment = post(article, regular, "Point number 6.", context=HUMAN)

    assert comment.spam_reasons == ["7 comments in 10 minutes"]
    assert (comment.status, comment.spam_score) == (Comment.Status.PENDING, 0.55)


def test_signs_add_up(post, article):
    newcomer = UserFactory(username="nina")
    body = " ".join(f"https://site{n}.example/" for n in range(3))

    comment = post(article, newcomer, body, context={**HUMAN, "seconds_to_submit": 2.0})

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == [
        "3 links",
        "sent 2.0 s after the form was shown",
        "account created 0 minutes before",
    ]


def test_pulling_a_comment_updates_the_article_count(post, article, regular):
    post(article, regular, "A fine comment.", context=HUMAN)

    post(article, regular, "Nice.", context={**HUMAN, "honeypot": True})

    article.refresh_from_db()
    assert article.comment_count == 1


def test_edit_is_checked_again(post, article, regular, django_capture_on_commit_callbacks):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="pills.example")
    comment = post(article, regular, "A fine comment.", context=HUMAN)

    with django_capture_on_commit_callbacks(execute=True):
        posting.edit_comment(comment=comment, user=regular, body="A fine comment. https://pills.example")

    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert SpamCheck.objects.filter(comment=comment).count() == 2


def test_clean_check_does_not_publish_a_held_comment(post, article, regular, settings):
    settings.COMMENTS_STATUS_POLICIES = ["tests.policies.hold_everything"]

    comment = post(article, regular, "Waiting for a moderator.", context=HUMAN)

    assert comment.status == Comment.Status.PENDING
    assert comment.spam_score == 0.0


def test_check_never_overrides_a_moderator(
    post, article, regular, moderator, moderate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        comment = posting.post_comment(
            article=article, author=regular, body="Nice.", context={**HUMAN, "honeypot": True}
        )
    moderate(comment, Comment.Status.PENDING, moderator)
    moderate(comment, Comment.Status.PUBLISHED, moderator)
    assert Training.objects.filter(comment=comment).exists()

    check_comment.apply(args=(SpamCheck.objects.get(comment=comment).pk,))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.spam_score == 0.99


@pytest.fixture
def approved(post, article, regular, moderator, settings, django_capture_on_commit_callbacks):
    """Grace's first comment, held by pre-moderation and approved by a moderator (which teaches the filter
    that it is legitimate)."""
    from forum.moderation import services

    settings.MODERATION_PREMODERATION = "first"
    comment = post(article, regular, "My first comment: the truce looks fragile.", context=HUMAN)
    assert comment.status == Comment.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=comment, actor=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert Training.objects.get(comment=comment).label == Training.Label.HAM
    return comment


def edit(comment, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        posting.edit_comment(comment=comment, user=comment.author, body=body)
    comment.refresh_from_db()
    return comment


def test_an_edit_into_spam_after_approval_is_pulled(approved, regular, django_capture_on_commit_callbacks):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="pills.example")

    edit(approved, "Cheap pills at https://pills.example", django_capture_on_commit_callbacks)

    assert (approved.status, approved.spam_score) == (Comment.Status.SPAM, pytest.approx(0.95))
    approved.article.refresh_from_db()
    assert approved.article.comment_count == 0


def test_an_edit_that_looks_doubtful_after_approval_is_held_again(
    approved, django_capture_on_commit_callbacks
):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="casino")

    edit(approved, "The truce looks fragile. Visit my casino.", django_capture_on_commit_callbacks)

    assert approved.status == Comment.Status.PENDING


def test_a_harmless_edit_after_approval_stays_published(approved, django_capture_on_commit_callbacks):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="pills.example")

    edit(approved, "My first comment: the truce looks fragile, sadly.", django_capture_on_commit_callbacks)

    assert approved.status == Comment.Status.PUBLISHED
    assert approved.spam_score is not None
    assert SpamCheck.objects.filter(comment=approved).count() == 2


def test_approving_the_edited_text_covers_it(approved, moderator, django_capture_on_commit_callbacks):
    from forum.moderation import services

    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="pills.example")
    edit(
        approved, "A link a moderator will accept: https://pills.example", django_capture_on_commit_callbacks
    )
    assert approved.status == Comment.Status.SPAM

    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment=approved, actor=moderator)
    changed = scoring.apply(approved.pk, scoring.Verdict(0.99, ["checked once more"]))

    approved.refresh_from_db()
    assert (changed, approved.status) == (None, Comment.Status.PUBLISHED)


def test_check_of_a_comment_hidden_meanwhile_changes_nothing(
    post, article, regular, moderator, moderate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        comment = posting.post_comment(
            article=article, author=regular, body="Rude.", context={**HUMAN, "honeypot": True}
        )
    moderate(comment, Comment.Status.HIDDEN, moderator, reason="Rude")

    check_comment.apply(args=(SpamCheck.objects.get(comment=comment).pk,))

    comment.refresh_from_db()
    check = SpamCheck.objects.get(comment=comment)
    assert (comment.status, comment.spam_score) == (Comment.Status.HIDDEN, None)
    assert (check.state, check.verdict) == (State.DONE, "skipped")


def test_blocked_terms_are_stored_normalised():
    word = BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="  Casino ")
    domain = BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="WWW.Pills.Example.")

    assert (word.value, domain.value) == ("casino", "pills.example")


def test_a_reply_pulled_as_spam_is_never_announced(post, article, regular, reader):
    from forum.notifications.models import Notification

    parent = post(article, reader, "The truce will hold.")

    reply = post(article, regular, "Nice article.", parent=parent, context={**HUMAN, "honeypot": True})

    assert reply.status == Comment.Status.SPAM
    assert not Notification.objects.filter(comment=reply).exists()


@pytest.mark.parametrize("signal_name", ["comment_posted", "comment_edited"])
def test_the_spam_check_is_enqueued_before_the_notification_job(signal_name):
    from forum.comments import signals

    uids = [lookup_key[0] for lookup_key, *_rest in getattr(signals, signal_name).receivers]
    event = signal_name.removeprefix("comment_")

    assert uids.index(f"spam.comment_{event}") < uids.index(f"notifications.comment_{event}")
