"""Ukrainian, Russian and English in one discussion: shown as typed (dir="auto"), counted by characters and
in the reader's plural forms, sorted by what the sort says whatever the script, and found by the admin's
search."""

import re

import pytest
from django.test import Client

from forum.comments import posting
from forum.comments.models import MAX_BODY_LENGTH, Comment, Vote
from tests.factories import UserFactory

# The clock is set before any fixture is built (the article too), so the discussion happens after the article
# was published whatever today's date (the time-shifted pass runs this two years ahead).
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2027-03-03T08:30:00Z", tick=False)]

UKRAINIAN = "Київ тримається: ґанок, їжак, європейський."
RUSSIAN = "Объявлено перемирие; съезд отложен."
ENGLISH = "The ceasefire holds for now."


@pytest.fixture
def thread(article, time_machine):
    """A Ukrainian comment, a Russian reply, then an English reply; the English one has the most votes."""
    olena = UserFactory(username="olena", display_name="Олена Коваль")
    dmitri = UserFactory(username="dmitri", display_name="Дмитрий")
    sam = UserFactory(username="sam", display_name="Sam")
    time_machine.move_to("2027-03-03T09:00:00Z", tick=False)
    root = posting.post_comment(article=article, author=olena, body=UKRAINIAN)
    time_machine.move_to("2027-03-03T09:05:00Z", tick=False)
    russian = posting.post_comment(article=article, author=dmitri, body=RUSSIAN, parent=root)
    time_machine.move_to("2027-03-03T09:10:00Z", tick=False)
    english = posting.post_comment(article=article, author=sam, body=ENGLISH, parent=root)
    Vote.objects.create(comment=english, user=olena)
    Comment.objects.filter(pk=english.pk).update(score=1)
    return root, russian, english


def shown_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("oldest", ["root", "russian", "english"]),
        ("newest", ["root", "english", "russian"]),
        ("top", ["root", "english", "russian"]),
    ],
)
def test_replies_in_any_script_sort_by_the_chosen_order(client, article, thread, sort, expected):
    comments = dict(zip(["root", "russian", "english"], thread, strict=True))

    html = client.get(f"{article.get_absolute_url()}?sort={sort}").content.decode()

    assert shown_order(html) == [comments[name].pk for name in expected]


def test_bodies_and_names_are_shown_as_typed_with_their_own_direction(client, article, thread):
    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<div class="comment-body" dir="auto"><p>{UKRAINIAN}</p></div>' in html
    assert f'<div class="comment-body" dir="auto"><p>{RUSSIAN}</p></div>' in html
    assert '<span class="comment-author" dir="auto">Олена Коваль</span>' in html
    assert '<span class="comment-author" dir="auto">Дмитрий</span>' in html


def test_the_count_uses_the_readers_plural_forms(article, thread):
    article.refresh_from_db()

    ukrainian = Client(headers={"accept-language": "uk"}).get(article.get_absolute_url()).content.decode()
    english = Client().get(article.get_absolute_url()).content.decode()

    assert article.comment_count == 3
    assert '<span class="comment-count" id="comment-count">3 коментарі</span>' in ukrainian
    assert '<span class="comment-count" id="comment-count">3 comments</span>' in english
    assert "2 відповіді" in ukrainian


def test_posting_times_follow_the_readers_language(article, thread):
    ukrainian = Client(headers={"accept-language": "uk"}).get(article.get_absolute_url()).content.decode()
    english = Client().get(article.get_absolute_url()).content.decode()

    assert ">3 березня 2027, 09:05</time>" in ukrainian
    assert ">3 Mar 2027, 09:05</time>" in english


def test_the_length_limit_counts_characters_not_bytes(article, reader):
    body = "ї" * MAX_BODY_LENGTH  # two bytes each in UTF-8

    comment = posting.post_comment(article=article, author=reader, body=body)

    comment.refresh_from_db()
    assert comment.body == body


def test_an_overlong_cyrillic_comment_is_refused_in_the_readers_language(article, reader):
    browser = Client(headers={"accept-language": "uk"})
    browser.force_login(reader)

    response = browser.post(f"/articles/{article.slug}/comments/", {"body": "ї" * (MAX_BODY_LENGTH + 1)})

    assert response.status_code == 400
    assert (
        "Коментар може мати щонайбільше 10\xa0000 символів, а в цьому їх 10\xa0001."
        in response.content.decode()
    )
    assert not Comment.objects.exists()


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def admin_search(admin_client, query: str) -> list[int]:
    response = admin_client.get("/admin/comments/comment/", {"q": query})
    assert response.status_code == 200
    return sorted(comment.pk for comment in response.context["cl"].result_list)


def test_admin_search_finds_cyrillic_text_and_names(thread, admin_client):
    root, russian, _english = thread

    assert admin_search(admin_client, "ґанок") == [root.pk]
    assert admin_search(admin_client, "съезд") == [russian.pk]
    assert admin_search(admin_client, "Коваль") == [root.pk]


@pytest.mark.postgres
def test_admin_search_ignores_the_case_of_cyrillic_letters(thread, admin_client):
    # SQLite's LIKE folds only ASCII letters; PostgreSQL (production) folds every script.
    root, russian, _english = thread

    assert admin_search(admin_client, "КИЇВ") == [root.pk]
    assert admin_search(admin_client, "объявлено") == [russian.pk]
