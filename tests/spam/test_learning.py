"""The learning filter: tokens, training by moderators' decisions, and catching the next one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.spam import bayes
from forum.spam.models import Corpus, TokenStat, Training
from forum.spam.tasks import train_filter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUMAN = {"ip_hash": "h1:ab12", "browser": "Firefox", "honeypot": False, "seconds_to_submit": 42.0}
SPAM_TEXTS = [
    "Cheap replica watches, luxury brands at discount prices! Order now at replica-watches.example",
    "Luxury replica watches for cheap. Discount prices, order today: replica-watches.example",
    "Discount luxury watches: replica quality, cheap prices. Order at replica-watches.example now",
    "Order cheap replica watches now! Luxury discount at replica-watches.example",
    "Best replica watches, cheap and luxury. Discount prices only at replica-watches.example",
]


@pytest.fixture
def regulars():
    """Readers with accounts old enough not to look suspicious, one per comment (no repeated-text signs)."""
    joined = timezone.now() - timedelta(days=365)
    return [UserFactory(username=f"regular{n}", date_joined=joined) for n in range(10)]


def counts(token: str) -> tuple[int, int]:
    stat = TokenStat.objects.filter(token=token).first()
    return (stat.spam, stat.ham) if stat else (0, 0)


def test_tokenize_keeps_meaningful_words_and_link_domains():
    tokens = bayes.tokenize("The CHEAP watches, at https://www.Replica.example/buy?x=1 — and 42 ok.")

    assert tokens == ["domain:replica.example", "cheap", "watches"]


def test_tokenize_reads_ukrainian():
    assert bayes.tokenize("Дешеві годинники тут") == ["дешеві", "годинники", "тут"]


def test_filter_abstains_before_it_has_learnt():
    assert bayes.judge("Cheap replica watches at discount prices") == bayes.Judgement(None, 0)


def test_moderators_marking_spam_teaches_the_filter_to_catch_the_next_one(
    post, moderate, article, moderator, regulars
):
    for text, author in zip(SPAM_TEXTS[:3], regulars, strict=False):
        comment = post(article, author, text, context=HUMAN)
        assert comment.status == Comment.Status.PUBLISHED  # nothing else gives these away
        moderate(comment, Comment.Status.SPAM, moderator)

    caught = post(article, regulars[6], "Cheap luxury replica watches, discount order now!", context=HUMAN)
    innocent = post(article, regulars[7], "The ceasefire talks deserve a chance, I think.", context=HUMAN)

    assert caught.status == Comment.Status.SPAM
    assert caught.spam_reasons[0].startswith("learning filter: 0.9")
    assert innocent.status == Comment.Status.PUBLISHED
    assert innocent.spam_reasons == []


def test_marking_spam_counts_the_comment_once(post, moderate, article, moderator, regulars):
    comment = post(article, regulars[0], SPAM_TEXTS[0], context=HUMAN)
    moderate(comment, Comment.Status.SPAM, moderator)
    training = Training.objects.get(comment=comment)
    Training.objects.filter(pk=training.pk).update(state=State.PENDING)

    train_filter.apply(args=(training.pk,))

    assert (Corpus.current().spam, Corpus.current().ham) == (1, 0)
    assert counts("replica") == (1, 0)


def test_approving_a_held_comment_trains_it_as_legitimate(post, moderate, article, moderator, regulars):
    comment = post(article, regulars[0], "Ceasefire monitors arrive tomorrow.", context=HUMAN)
    moderate(comment, Comment.Status.PENDING, moderator)

    moderate(comment, Comment.Status.PUBLISHED, moderator)

    assert (Corpus.current().spam, Corpus.current().ham) == (0, 1)
    assert counts("monitors") == (0, 1)


def test_changing_a_decision_moves_the_counts(post, moderate, article, moderator, regulars):
    comment = post(article, regulars[0], "Ceasefire monitors arrive tomorrow.", context=HUMAN)
    moderate(comment, Comment.Status.SPAM, moderator)

    moderate(comment, Comment.Status.PUBLISHED, moderator)

    assert (Corpus.current().spam, Corpus.current().ham) == (0, 1)
    assert counts("monitors") == (0, 1)
    assert Training.objects.get(comment=comment).trained_label == Training.Label.HAM


def test_spam_check_pulling_a_comment_teaches_nothing(post, article, regulars):
    post(article, regulars[0], "Nice.", context={**HUMAN, "honeypot": True})

    assert Training.objects.count() == 0
    assert (Corpus.current().spam, Corpus.current().ham) == (0, 0)


def test_hiding_for_incivility_teaches_nothing(post, moderate, article, moderator, regulars):
    comment = post(article, regulars[0], "You are all idiots.", context=HUMAN)

    moderate(comment, Comment.Status.HIDDEN, moderator, reason="Insult")

    assert Training.objects.count() == 0


def test_only_moderators_teach(post, moderate, article, regulars):
    comment = post(article, regulars[0], SPAM_TEXTS[0], context=HUMAN)

    moderate(comment, Comment.Status.SPAM, regulars[1])

    assert Training.objects.count() == 0


def test_token_probability_follows_the_evidence():
    assert bayes.token_probability(0, 0, 10, 10) == bayes.UNKNOWN
    assert bayes.token_probability(5, 0, 5, 5) > 0.8
    assert bayes.token_probability(0, 5, 5, 5) < 0.2
    assert bayes.token_probability(5, 5, 10, 10) == pytest.approx(0.5)


def test_combine_is_sure_when_clues_agree_and_unsure_when_they_conflict():
    assert bayes.combine([0.99] * 5) > 0.95
    assert bayes.combine([0.01] * 5) < 0.05
    assert bayes.combine([0.99, 0.01]) == pytest.approx(0.5)
