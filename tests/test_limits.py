"""The hard rate limits of forum/limits.py, through the views that apply them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forum.comments.models import Comment, Vote
from forum.moderation.models import Report
from forum.notifications.models import Subscription
from tests.factories import CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rate_limits]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def regular(db):
    """An established reader: a month old, with two published comments."""
    user = UserFactory(username="ruth", date_joined=timezone.now() - timedelta(days=30))
    CommentFactory.create_batch(2, author=user)
    return user


def post(client, article, body, **extra):
    return client.post(f"/articles/{article.slug}/comments/", {"body": body}, **extra)


def bodies(user):
    return sorted(Comment.objects.filter(author=user).values_list("body", flat=True))


def test_day_one_account_waits_30_seconds_between_posts(client, article, reader, clock):
    client.force_login(reader)
    post(client, article, "First.")
    clock.shift(5)

    response = post(client, article, "Second.")

    assert response.status_code == 429
    assert response["Retry-After"] == "25"
    assert "You are posting too fast: try again in 25 seconds." in response.content.decode()
    assert bodies(reader) == ["First."]


def test_day_one_account_posts_again_after_30_seconds(client, article, reader, clock):
    client.force_login(reader)
    post(client, article, "First.")
    clock.shift(30)

    response = post(client, article, "Second.")

    assert response.status_code == 302
    assert bodies(reader) == ["First.", "Second."]


def test_day_one_account_posts_at_most_10_times_on_its_first_day(client, article, reader, clock):
    client.force_login(reader)
    for number in range(10):
        assert post(client, article, f"Post {number}.").status_code == 302
        clock.shift(31)

    response = post(client, article, "Post 10.")

    assert response.status_code == 429
    # The first post leaves the day's window 24 h after it was made: 10 × 31 s ago.
    assert response["Retry-After"] == str(86400 - 310)
    assert "try again in 24 hours." in response.content.decode()
    assert Comment.objects.filter(author=reader).count() == 10


def test_an_account_with_fewer_than_two_published_comments_is_day_one(client, article, clock):
    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    client.force_login(veteran)
    post(client, article, "First.")
    clock.shift(10)

    response = post(client, article, "Second.")

    assert (response.status_code, response["Retry-After"]) == (429, "20")


def test_established_reader_waits_5_seconds_between_posts(client, article, regular, clock):
    client.force_login(regular)
    post(client, article, "First.")
    clock.shift(2)

    refused = post(client, article, "Second.")
    clock.shift(3)
    accepted = post(client, article, "Third.")

    assert (refused.status_code, refused["Retry-After"]) == (429, "3")
    assert accepted.status_code == 302
    assert Comment.objects.filter(author=regular, body__in=["Second.", "Third."]).count() == 1


def test_the_limits_come_from_settings(client, article, regular, clock, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "2/1m"}
    client.force_login(regular)
    post(client, article, "First.")
    post(client, article, "Second.")
    clock.shift(10)

    response = post(client, article, "Third.")

    assert (response.status_code, response["Retry-After"]) == (429, "50")


def test_limits_can_be_turned_off(client, article, reader, settings):
    settings.RATE_LIMITS_ENABLED = False
    client.force_login(reader)

    responses = [post(client, article, f"Post {number}.").status_code for number in range(3)]

    assert responses == [302, 302, 302]


def test_a_refused_post_with_htmx_answers_a_fragment_in_place(client, article, reader, clock):
    client.force_login(reader)
    post(client, article, "First.", **HTMX)

    response = post(client, article, "Second.", **HTMX)

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response["HX-Reswap"] == "none"  # the form keeps what the reader wrote
    assert '<div id="rate-limit-message" hx-swap-oob="innerHTML">' in html
    assert "You are posting too fast: try again in 30 seconds." in html
    assert "<html" not in html


def test_a_refused_post_without_javascript_gets_a_page_with_a_link_back(client, article, reader):
    client.force_login(reader)
    page = f"http://testserver{article.get_absolute_url()}"
    post(client, article, "First.")

    response = post(client, article, "Second.", HTTP_REFERER=page)

    html = response.content.decode()
    assert response.status_code == 429
    assert "<h1" in html and "You are posting too fast: try again in 30 seconds." in html
    assert f'<a href="{page}">Go back</a>' in html


def test_the_link_back_never_leaves_the_site(client, article, reader):
    client.force_login(reader)
    post(client, article, "First.")

    response = post(client, article, "Second.", HTTP_REFERER="https://evil.example/")

    assert '<a href="/">Go back</a>' in response.content.decode()


def test_a_post_that_fails_does_not_use_up_the_limit(client, article, reader):
    client.force_login(reader)

    empty = post(client, article, "   ")
    accepted = post(client, article, "Now with words.")

    assert empty.status_code == 400
    assert accepted.status_code == 302


def test_anonymous_post_goes_to_login_not_to_a_limit(client, article):
    response = post(client, article, "Hello.")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_limits_are_per_reader(client, article, reader, other_reader):
    client.force_login(reader)
    post(client, article, "Alice's.")
    client.force_login(other_reader)

    response = post(client, article, "Bob's.")

    assert response.status_code == 302


# -- the same text twice ------------------------------------------------------------------------------------
def test_the_same_text_in_another_thread_within_5_minutes_is_refused(client, article, regular, clock):
    other = CommentFactory(article=article)
    client.force_login(regular)
    post(client, article, "Buy my book.")
    clock.shift(60)

    response = client.post(
        f"/articles/{article.slug}/comments/", {"body": "Buy my book.", "parent": other.pk}
    )

    assert response.status_code == 409
    assert "You posted the same text less than 5 minutes ago." in response.content.decode()
    assert Comment.objects.filter(author=regular, body="Buy my book.").count() == 1


def test_the_same_text_after_5_minutes_is_accepted(client, article, regular, clock):
    client.force_login(regular)
    post(client, article, "Me too.")
    clock.shift(5 * 60)

    response = post(client, article, "Me too.")

    assert response.status_code == 302
    assert Comment.objects.filter(author=regular, body="Me too.").count() == 2


# -- reports, votes, follows --------------------------------------------------------------------------------
def report(client, comment):
    return client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "spam"})


def test_a_reader_files_at_most_10_reports_an_hour(client, article, reader, clock):
    comments = CommentFactory.create_batch(11, article=article)
    client.force_login(reader)
    for comment in comments[:10]:
        assert report(client, comment).status_code == 302
        clock.shift(60)

    response = report(client, comments[10])

    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 600)
    assert "You are reporting too fast: try again in 50 minutes." in response.content.decode()
    assert Report.objects.filter(reporter=reader).count() == 10


def test_a_refused_report_does_not_count(client, article, reader):
    comment = CommentFactory(article=article)
    client.force_login(reader)
    report(client, comment)
    for _attempt in range(10):
        # "You have already reported this comment.": a form error, no report, no slot used.
        assert report(client, comment).status_code == 400

    other = CommentFactory(article=article)
    response = report(client, other)

    assert response.status_code == 302


def test_a_reader_votes_at_most_60_times_a_minute(client, article, reader, clock):
    comment = CommentFactory(article=article)
    url = f"/articles/{article.slug}/comments/{comment.pk}/vote/"
    client.force_login(reader)
    for _vote in range(60):
        assert client.post(url, **HTMX).status_code == 200
    clock.shift(20)

    response = client.post(url, **HTMX)

    assert (response.status_code, response["Retry-After"]) == (429, "40")
    assert "You are voting too fast: try again in 40 seconds." in response.content.decode()
    assert not Vote.objects.filter(user=reader).exists()  # 60 toggles: voted, then taken back


def test_a_reader_follows_at_most_30_times_a_minute(client, article, reader):
    client.force_login(reader)
    for number in range(30):
        url = f"/notifications/{'follow' if number % 2 == 0 else 'unfollow'}/article/{article.pk}/"
        assert client.post(url).status_code == 302

    response = client.post(f"/notifications/follow/article/{article.pk}/")

    assert response.status_code == 429
    assert "You are following and unfollowing too fast" in response.content.decode()
    assert Subscription.objects.get(user=reader, article=article).active is False
