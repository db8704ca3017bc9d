import re

import pytest

from forum.comments.models import Comment
from forum.moderation import appeals, reports, services, suspensions
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.moderation.conftest import veteran

pytestmark = pytest.mark.django_db
Status = Comment.Status


def queued(tab: str, count: int, moderator, article=None) -> list[Comment]:
    """`count` comments waiting in a tab, each by its own author, with everything a row shows."""
    article = article or ArticleFactory()
    parent = CommentFactory(article=article, body="The parent says something")
    rows = []
    for _ in range(count):
        comment = CommentFactory(
            article=article, parent=parent, spam_score=0.91, spam_reasons=["links: 4", "new account"]
        )
        if tab == "reported":
            reports.report(comment=comment, reporter=veteran(), reason="abuse", note="Rude")
            reports.report(comment=comment, reporter=UserFactory(), reason="spam")
        elif tab == "pending":
            Comment.objects.filter(pk=comment.pk).update(status=Status.PENDING)
        elif tab == "hidden":
            services.hide(comment=comment, actor=moderator, reason="abuse", note="Name-calling")
        elif tab == "spam":
            services.mark_spam(comment=comment, actor=moderator)
        elif tab == "appeals":
            services.hide(comment=comment, actor=moderator, reason="abuse")
            appeals.appeal(comment=comment, author=comment.author, text="It was irony")
        suspensions.suspend(user=comment.author, duration="1", reason="Cool down", actor=moderator)
        rows.append(comment)
    return rows


@pytest.fixture
def as_moderator(client, moderator):
    client.force_login(moderator)
    return client


def row_ids(response) -> list[int]:
    return [row.comment.pk for row in response.context["rows"]]


@pytest.mark.parametrize(
    "persona,status", [("reader", 403), ("editor", 403), ("moderator", 200), ("superuser", 200)]
)
def test_only_moderators_open_the_queue(client, other_reader, editor, moderator, superuser, persona, status):
    client.force_login(
        {"reader": other_reader, "editor": editor, "moderator": moderator, "superuser": superuser}[persona]
    )

    response = client.get("/moderation/")

    assert response.status_code == status


def test_anonymous_readers_are_sent_to_log_in(client):
    response = client.get("/moderation/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/moderation/"


def test_the_queue_refuses_post(as_moderator):
    assert as_moderator.post("/moderation/").status_code == 405


@pytest.mark.parametrize("tab", ["reported", "pending", "hidden", "spam", "appeals"])
def test_each_tab_lists_its_comments(as_moderator, moderator, tab):
    expected = queued(tab, 2, moderator)

    response = as_moderator.get("/moderation/", {"tab": tab})

    assert response.status_code == 200
    assert sorted(row_ids(response)) == sorted(c.pk for c in expected)


def test_the_tabs_show_their_counts(as_moderator, moderator):
    queued("reported", 3, moderator)
    queued("pending", 2, moderator)
    queued("spam", 1, moderator)
    queued("appeals", 2, moderator)  # hidden, with appeals

    response = as_moderator.get("/moderation/")

    assert response.context["tabs"] == [
        ("reported", "Reported", 3),
        ("pending", "Pending", 2),
        ("hidden", "Hidden", 2),
        ("spam", "Spam", 1),
        ("appeals", "Appeals", 2),
    ]
    counts = re.findall(
        r'data-tab="(\w+)"[^>]*>[^<]*<span class="queue-count">(\d+)</span>', response.content.decode()
    )
    assert counts == [("reported", "3"), ("pending", "2"), ("hidden", "2"), ("spam", "1"), ("appeals", "2")]


def test_reported_comments_come_by_weight(as_moderator, article):
    light = CommentFactory(article=article)
    heavy = CommentFactory(article=article)
    reports.report(comment=light, reporter=UserFactory(), reason="spam")
    reports.report(comment=heavy, reporter=veteran(), reason="abuse")

    response = as_moderator.get("/moderation/")

    assert row_ids(response) == [heavy.pk, light.pk]


def test_a_row_shows_context_history_reports_and_spam_reasons(as_moderator, moderator):
    (comment,) = queued("reported", 1, moderator)
    services.hide(comment=CommentFactory(author=comment.author), actor=moderator, reason="abuse")

    response = as_moderator.get("/moderation/")

    (row,) = response.context["rows"]
    assert [(r.reason, r.note) for r in row.reports] == [("abuse", "Rude"), ("spam", "")]
    assert row.score == pytest.approx(1.25)
    assert row.history.comment_count == 2
    assert row.history.actions_against == [("Hidden", 1), ("Author suspended", 1)]
    assert row.history.suspension is not None
    html = response.content.decode()
    assert "The parent says something" in html
    assert comment.article.title in html
    assert "links: 4" in html
    assert "2 reports, weighted 1.25" in html


def test_the_log_of_a_comment_shows_in_its_row(as_moderator, moderator):
    queued("hidden", 1, moderator)

    response = as_moderator.get("/moderation/", {"tab": "hidden"})

    (row,) = response.context["rows"]
    assert [(e.kind, e.note, e.actor_name) for e in row.log] == [("hide", "Name-calling", "charlie")]


def test_the_appeals_tab_offers_the_decision(as_moderator, moderator):
    queued("appeals", 1, moderator)

    response = as_moderator.get("/moderation/", {"tab": "appeals"})

    (row,) = response.context["rows"]
    assert row.appeal.text == "It was irony"
    assert f'action="/moderation/appeals/{row.appeal.pk}/decide/"' in response.content.decode()


def test_filter_by_article(as_moderator, moderator):
    first = ArticleFactory()
    mine = queued("pending", 2, moderator, article=first)
    queued("pending", 2, moderator)

    response = as_moderator.get("/moderation/", {"tab": "pending", "article": first.pk})

    assert sorted(row_ids(response)) == sorted(c.pk for c in mine)


def test_filter_by_author(as_moderator, moderator):
    comments = queued("reported", 3, moderator)

    response = as_moderator.get("/moderation/", {"author": comments[1].author.username})

    assert row_ids(response) == [comments[1].pk]


def test_a_malformed_filter_is_ignored_and_said(as_moderator, moderator):
    queued("pending", 2, moderator)

    response = as_moderator.get("/moderation/", {"tab": "pending", "article": "abc"})

    assert response.status_code == 400
    assert len(row_ids(response)) == 2
    assert "Enter a whole number." in response.content.decode()


def test_an_unknown_tab_falls_back_to_reported(as_moderator):
    response = as_moderator.get("/moderation/", {"tab": "nonsense"})

    assert response.context["tab"] == "reported"


def test_pages(as_moderator, moderator, settings):
    settings.MODERATION_QUEUE_PER_PAGE = 2
    comments = queued("pending", 5, moderator)

    first = as_moderator.get("/moderation/", {"tab": "pending"})
    last = as_moderator.get("/moderation/", {"tab": "pending", "page": 3})

    assert row_ids(first) == [c.pk for c in comments[:2]]
    assert row_ids(last) == [comments[4].pk]
    assert 'href="?tab=pending&amp;page=2"' in first.content.decode()


def test_the_bulk_form_covers_the_page(as_moderator, moderator):
    comments = queued("pending", 2, moderator)

    html = as_moderator.get("/moderation/", {"tab": "pending"}).content.decode()

    for comment in comments:
        assert f'<input type="hidden" name="page_ids" value="{comment.pk}">' in html
        assert f'name="comments" value="{comment.pk}" form="bulk-form"' in html
    assert 'name="select_all"' in html


def test_an_empty_tab_says_so(as_moderator):
    response = as_moderator.get("/moderation/", {"tab": "spam"})

    assert "Nothing waits here." in response.content.decode()


@pytest.mark.parametrize("tab", ["reported", "pending", "hidden", "spam", "appeals"])
@pytest.mark.parametrize("size", [1, 6])
def test_a_page_costs_the_same_queries_whatever_its_size(
    as_moderator, moderator, django_assert_num_queries, tab, size
):
    queued(tab, size, moderator)
    moderator.refresh_from_db()  # a fresh permission cache, as in a real request

    # user, 3 tab counts, page count + rows (+1 for grouped reports), reports, log, appeals, 3 × authors'
    # history, the article filter, the header's unread notifications (the session is cached, and so are the
    # moderator's permissions: suspending asked for them, forum/accounts/permissions.py)
    with django_assert_num_queries(15 if tab == "reported" else 14):
        response = as_moderator.get("/moderation/", {"tab": tab})

    assert len(response.context["rows"]) == size


def test_hide_is_the_main_action_and_starts_without_a_reason(as_moderator, moderator):
    (comment,) = queued("reported", 1, moderator)

    html = as_moderator.get("/moderation/").content.decode()

    row = html.split(f'id="row-{comment.pk}"')[1]
    actions = row.split('<div class="queue-actions">')[1]
    # The hiding form comes first, open, with the primary button; no reason is chosen for the moderator.
    assert actions.lstrip().startswith(
        f'<form method="post" action="/moderation/comments/{comment.pk}/hide/" '
        'class="queue-form queue-form--main">'
    )
    assert '<option value="">Choose a reason</option>' in actions
    assert " selected" not in actions.split("</select>")[0]
    assert '<button type="submit">Hide</button>' in actions


def test_delete_for_good_is_secondary_and_asks_first(as_moderator, moderator):
    (comment,) = queued("reported", 1, moderator)

    html = as_moderator.get("/moderation/").content.decode()

    row = html.split(f'id="row-{comment.pk}"')[1]
    assert f'action="/moderation/comments/{comment.pk}/delete/"' not in row  # no one-click deletion
    assert (
        f'<a class="button secondary danger" href="/moderation/comments/{comment.pk}/delete/form/'
        '?next=/moderation/">Delete for good</a>'
    ) in row


def test_the_bulk_form_asks_to_confirm_deleting(as_moderator, moderator):
    queued("reported", 1, moderator)

    html = as_moderator.get("/moderation/").content.decode()

    assert '<input type="checkbox" name="confirm_delete" value="1">' in html


@pytest.mark.parametrize("number", ["9" * 20, str(2**63)])
def test_an_article_filter_too_large_is_refused_and_said(as_moderator, moderator, number):
    queued("pending", 2, moderator)

    response = as_moderator.get("/moderation/", {"tab": "pending", "article": number})

    assert response.status_code == 400
    assert "Article: No article has this number." in response.content.decode()
    assert len(row_ids(response)) == 2  # the filter is not applied
