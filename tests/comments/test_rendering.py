"""The HTML contract of the discussion's nodes (docs/architecture.md, "HTML contract"), as the Jinja2
partials render them (forum/comments/rendering.py) for each kind of reader."""

import re

import pytest
from django.utils import timezone

from forum.comments import posting
from forum.comments.models import Comment
from forum.moderation import services
from tests.factories import CommentFactory, EditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-03-01 12:00:00+00:00", tick=False)]

PAGE = "/articles/belarus-urges-truce/"


@pytest.fixture
def discussion(settings, article, reader, other_reader, moderator):
    settings.COMMENTS_REPLIES_PER_LEVEL = [3, 1]
    settings.COMMENTS_DISPLAY_DEPTH = 3
    first = CommentFactory(article=article, author=reader, body="Alice opens.")
    Comment.objects.filter(pk=first.pk).update(edited_at=timezone.now(), score=1234)
    replies = [CommentFactory(parent=first, author=other_reader, body=f"Bob answers {n}.") for n in range(5)]
    deep = CommentFactory(parent=replies[0], author=reader, body="Alice again.")
    deeper = CommentFactory(parent=deep, author=other_reader, body="Bob deeper.")
    CommentFactory(parent=deeper, author=reader, body="Below the display depth.")
    hidden = CommentFactory(article=article, author=reader, body="Alice's secret.")
    CommentFactory(parent=hidden, author=other_reader, body="Bob under the hidden one.")
    services.hide(comment=hidden, actor=moderator, reason="abuse")
    deleted = CommentFactory(article=article, author=other_reader, body="Bob regrets.")
    CommentFactory(parent=deleted, author=reader, body="Alice under the deleted one.")
    posting.delete_comment(comment=Comment.objects.get(pk=deleted.pk), user=other_reader)
    CommentFactory(article=article, author=EditorFactory(), body="The newsroom speaks.")
    return {
        "first": first,
        "replies": replies,
        "deep": deep,
        "deeper": deeper,
        "hidden": hidden,
        "deleted": deleted,
    }


def get(client, user, url=PAGE, **headers) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def articles(html: str) -> list[tuple[str, str, str, str]]:
    """(classes, id, depth, status) of every comment, in document order."""
    return re.findall(
        r'<article class="([^"]*)" id="comment-(\d+)" data-depth="(\d+)" data-status="(\w+)"', html
    )


@pytest.mark.parametrize("persona", ["anonymous", "reader", "other_reader", "moderator"])
def test_every_comment_keeps_its_contract(client, discussion, request, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    html = get(client, user)

    comments = articles(html)
    first, hidden, deleted = discussion["first"], discussion["hidden"], discussion["deleted"]
    assert comments[0] == ("comment", str(first.pk), "0", "published")
    assert [pk for _, pk, depth, _ in comments if depth == "0"] == [
        str(first.pk),
        str(hidden.pk),
        str(deleted.pk),
        str(comments[-1][1]),
    ]
    for _, pk, _, _ in comments:
        assert f'<header class="comment-meta" id="comment-{pk}-meta">' in html
        assert f'<div class="reply-slot" id="reply-slot-{pk}"></div>' in html
    assert f'<li class="comment-item" id="thread-{first.pk}">' in html
    assert html.count('<ol class="replies">') == html.count("</ol>\n  </details>")
    assert ("comment comment--placeholder", str(deleted.pk), "0", "deleted") in comments
    assert "This comment was deleted." in html
    assert '<span class="staff-badge">Staff</span>' in html


@pytest.mark.parametrize(
    ("persona", "reads_hidden", "moderates"),
    [
        ("anonymous", False, False),
        ("reader", True, False),
        ("other_reader", False, False),
        ("moderator", True, True),
    ],
)
def test_a_hidden_comment_as_each_reader_sees_it(
    client, discussion, request, persona, reads_hidden, moderates
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    html = get(client, user)

    assert ("Alice&#x27;s secret." in html or "Alice's secret." in html) is reads_hidden
    assert ("This comment was hidden by a moderator." in html) is not reads_hidden
    assert ('class="moderation-note"' in html) is reads_hidden
    assert (">Unhide</button>" in html) is moderates
    assert (">Hide</a>" in html) is moderates


def test_paging_links_are_built_from_the_routes(client, discussion):
    first, replies, deep = discussion["first"], discussion["replies"], discussion["deep"]

    html = get(client, None)

    assert (
        f'<a class="more-replies" href="{PAGE}comments/{first.pk}/?after={replies[2].pk}#comment-{first.pk}"'
        f' hx-get="{PAGE}comments/{first.pk}/replies/?sort=oldest&amp;after={replies[2].pk}"'
    ) in html
    assert ">Show 2 more replies</a>" in html
    assert (
        f'<a class="continue-thread" href="{PAGE}comments/{deep.pk}/"'
        f' hx-get="{PAGE}comments/{deep.pk}/thread/?sort=oldest" hx-swap="outerHTML">'
        "Continue this thread (2 replies) →</a>"
    ) in html


def test_the_own_comment_has_edit_and_delete_with_the_sessions_token(client, discussion, reader):
    html = get(client, reader)

    first = discussion["first"]
    actions = re.search(rf'id="comment-{first.pk}".*?<div class="reply-slot"', html, re.S).group(0)
    assert f'<a class="action" data-edit href="{PAGE}comments/{first.pk}/edit/"' in actions
    token = re.search(r'"X-CSRFToken": "([^"]+)"', actions).group(1)
    assert len(token) == 64


def test_the_permalink_is_plain_and_in_focus(client, discussion, moderator):
    reply = discussion["replies"][0]

    html = get(client, moderator, f"{PAGE}comments/{reply.pk}/")

    assert f'<article class="comment comment--focus" id="comment-{reply.pk}"' in html
    assert "hx-get" not in re.search(r'<ol class="comment-list">.*</ol>', html, re.S).group(0)
    assert f'name="next" value="{PAGE}comments/{reply.pk}/#comment-' in html


def test_ukrainian_numbers_are_not_localised(client, discussion):
    html = get(client, None, HTTP_ACCEPT_LANGUAGE="uk")

    assert '<span aria-hidden="true">▲ 1234</span><span class="visually-hidden">1234 голоси</span>' in html
    assert "Показати ще 2 відповіді" in html
