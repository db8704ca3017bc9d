"""forum/spam/personal_data.py: what the spam checks keep of a request, and for how long."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forum.comments.models import Comment
from forum.lib.privacy import hash_ip
from forum.spam import personal_data, tasks
from forum.spam.models import SpamCheck, Training
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FACTS = {"ip_hash": "h1:" + "b" * 64, "browser": "Firefox", "honeypot": False, "seconds_to_submit": 12.0}


def check_for(comment, *, days_ago=0, context=None):
    created = timezone.now() - timedelta(days=days_ago)
    return SpamCheck.objects.create(
        comment=comment, key=f"{comment.pk}:posted", context=context or dict(FACTS), created_at=created
    )


def test_a_posted_comment_keeps_the_address_hash_and_browser_family_only(client, article, reader):
    client.force_login(reader)

    client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Well argued."},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT=FIREFOX,
    )

    check = SpamCheck.objects.get(comment__body="Well argued.")
    assert (check.context["ip_hash"], check.context["browser"]) == (hash_ip("203.0.113.9"), "Firefox")
    assert "203.0.113.9" not in str(check.context)
    assert "Gecko" not in str(check.context)


def test_purge_removes_the_request_facts_of_checks_older_than_the_retention(settings):
    settings.PRIVACY_RETENTION_DAYS = 30
    old = check_for(CommentFactory(), days_ago=31)
    recent = check_for(CommentFactory(), days_ago=29)

    purged = tasks.purge_request_data()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert purged == 1
    assert old.context == {"honeypot": False, "seconds_to_submit": 12.0}
    assert recent.context == FACTS


def test_purge_follows_the_setting(settings):
    settings.PRIVACY_RETENTION_DAYS = 7
    check = check_for(CommentFactory(), days_ago=8)

    personal_data.purge_request_data()

    check.refresh_from_db()
    assert "ip_hash" not in check.context and "browser" not in check.context


def test_purge_on_a_later_day_catches_what_has_aged_since():
    check = check_for(CommentFactory())

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        personal_data.purge_request_data()

    check.refresh_from_db()
    assert check.context == {"honeypot": False, "seconds_to_submit": 12.0}


def test_purge_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-request-data"]

    assert entry["task"] == tasks.purge_request_data.name


def test_forgetting_an_author_who_keeps_text_clears_only_the_context(reader):
    comment = CommentFactory(author=reader)
    check = check_for(comment)
    Training.objects.create(comment=comment, label=Training.Label.HAM, tokens=["argued"])

    personal_data.forget_author(reader, keeps_text=True)

    check.refresh_from_db()
    assert check.context == {}
    assert Training.objects.filter(comment=comment).exists()


def test_forgetting_an_author_whose_text_goes_removes_checks_and_training(reader, other_reader):
    comment = CommentFactory(author=reader)
    check_for(comment)
    Training.objects.create(comment=comment, label=Training.Label.SPAM, tokens=["pills"])
    others = check_for(CommentFactory(author=other_reader))

    personal_data.forget_author(reader, keeps_text=False)

    assert list(SpamCheck.objects.all()) == [others]
    assert not Training.objects.exists()
    assert Comment.objects.filter(pk=comment.pk).exists()
