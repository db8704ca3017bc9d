"""The optional Akismet-compatible check (the `akismet` library), against a fake service on 127.0.0.1."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.spam.models import SpamCheck
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUMAN = {"ip_hash": "h1:ab12", "browser": "Firefox", "honeypot": False, "seconds_to_submit": 42.0}


@pytest.fixture
def regular():
    return UserFactory(username="grace", date_joined=timezone.now() - timedelta(days=365))


def test_service_saying_spam_marks_spam(akismet_server, post, article, regular):
    akismet_server.answer = "true"

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    assert comment.status == Comment.Status.SPAM
    assert comment.spam_reasons == ["Akismet says spam"]


def test_service_is_sent_what_it_needs(akismet_server, post, article, regular):
    post(article, regular, "Totally normal words.", context=HUMAN)

    [request] = akismet_server.requests
    assert request["path"] == "/1.1/comment-check"
    assert request["api_key"] == "test-key"
    # Tribune never keeps the address, so Akismet is not sent one; of the user agent, only the family.
    assert (request.get("user_ip", ""), request["user_agent"]) == ("", "Firefox")
    assert (request["comment_type"], request["comment_author"]) == ("comment", "Grace")
    assert request["comment_content"] == "Totally normal words."
    assert request["permalink"] == f"http://127.0.0.1:8000/articles/{article.slug}/"


def test_service_saying_ham_publishes(akismet_server, post, article, regular):
    akismet_server.answer = "false"

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    assert (comment.status, comment.spam_reasons) == (Comment.Status.PUBLISHED, [])


def test_service_down_is_retried_then_left_out(akismet_server, post, article, regular, settings):
    settings.TASK_MAX_RETRIES = 2
    akismet_server.status = 503
    akismet_server.answer = "busy"

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    check = SpamCheck.objects.get(comment=comment)
    assert len(akismet_server.requests) == 3
    assert (check.state, check.attempts) == (State.DONE, 3)
    assert comment.spam_reasons == ["Akismet did not answer"]
    assert comment.status == Comment.Status.PUBLISHED


def test_unexpected_answer_counts_as_no_answer(akismet_server, post, article, regular, settings):
    settings.TASK_MAX_RETRIES = 0
    akismet_server.answer = "perhaps"

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    assert comment.spam_reasons == ["Akismet did not answer"]


def test_refused_key_counts_as_no_answer(akismet_server, post, article, regular, settings):
    settings.TASK_MAX_RETRIES = 0
    akismet_server.answer = "invalid"  # what Akismet says to an unknown key or site

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    assert len(akismet_server.requests) == 1
    assert (comment.status, comment.spam_reasons) == (Comment.Status.PUBLISHED, ["Akismet did not answer"])


def test_blatant_spam_marks_spam(akismet_server, post, article, regular):
    akismet_server.answer = "true"
    akismet_server.headers = {"X-akismet-pro-tip": "discard"}

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    assert (comment.status, comment.spam_reasons) == (Comment.Status.SPAM, ["Akismet says spam"])


def test_slow_service_times_out(akismet_server, post, article, regular, settings, monkeypatch):
    from forum.spam import akismet

    settings.TASK_MAX_RETRIES = 0
    monkeypatch.setattr(akismet, "TIMEOUT", 0.2)
    akismet_server.delay = 1.0
    akismet_server.answer = "true"

    comment = post(article, regular, "Totally normal words.", context=HUMAN)

    assert (comment.status, comment.spam_reasons) == (Comment.Status.PUBLISHED, ["Akismet did not answer"])


def test_compatible_service_is_asked_at_its_own_address(akismet_server, post, article, regular, settings):
    settings.AKISMET_URL = f"http://127.0.0.1:{akismet_server.port}/antispam/v1"

    post(article, regular, "Totally normal words.", context=HUMAN)

    [request] = akismet_server.requests
    [headers] = akismet_server.request_headers
    assert request["path"] == "/antispam/v1/comment-check"
    assert headers["Host"] == f"127.0.0.1:{akismet_server.port}"
    assert headers["User-Agent"].startswith("Tribune/0.1 | akismet.py/")


def test_no_key_no_request(akismet_server, post, article, regular, settings):
    settings.AKISMET_API_KEY = ""

    post(article, regular, "Totally normal words.", context=HUMAN)

    assert akismet_server.requests == []
