"""Replies by editors and moderators carry a staff badge, so a look-alike name cannot pass for theirs."""

import re

import pytest

from tests.factories import CommentFactory, EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

LOOK_ALIKE = "Mo Moder\u0430tor"  # Cyrillic а, made before names were checked (or by an import)


def author_spans(html: str) -> dict[str, bool]:
    """Each comment author's name → whether a staff badge follows it."""
    return {
        name: bool(badge)
        for name, badge in re.findall(
            r'<span class="comment-author" dir="auto">([^<]*)</span>'  # the author
            r'( <span class="staff-badge">Staff</span>)?',
            html,
        )
    }


def test_moderators_and_editors_have_the_badge_and_a_look_alike_has_not(client, article):
    root = CommentFactory(article=article, author=UserFactory(username="reader9", display_name="Reader Nine"))
    CommentFactory(parent=root, author=ModeratorFactory(username="mo", display_name="Mo Moderator"))
    CommentFactory(parent=root, author=EditorFactory(username="ed", display_name="Ed Editor"))
    CommentFactory(parent=root, author=UserFactory(username="fake", display_name=LOOK_ALIKE))

    html = client.get(article.get_absolute_url()).content.decode()

    assert author_spans(html) == {
        "Reader Nine": False,
        "Mo Moderator": True,
        "Ed Editor": True,
        LOOK_ALIKE: False,
    }


def test_the_badge_is_on_the_permalink_page_too(client, article):
    comment = CommentFactory(article=article, author=ModeratorFactory(display_name="Mo Moderator"))

    html = client.get(comment.get_absolute_url()).content.decode()

    assert author_spans(html) == {"Mo Moderator": True}


@pytest.mark.parametrize("total", [1, 30])
def test_the_badge_costs_no_query(client, article, reader, total, django_assert_num_queries):
    authors = [ModeratorFactory(), EditorFactory(), UserFactory()]
    for index in range(total):
        CommentFactory(article=article, author=authors[index % 3])
    client.force_login(reader)

    # the same nine queries as tests/comments/test_threads.py's page, whatever the number of staff authors
    with django_assert_num_queries(9):
        response = client.get(article.get_absolute_url())

    assert response.content.decode().count('class="staff-badge"') == len(
        [index for index in range(total) if index % 3 != 2]
    )
