"""Every moderation endpoint under the permission matrix, the wrong method, CSRF, and bad input."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from articles.models import Article
from forum.comments.models import Comment
from forum.moderation import appeals, closing, services, suspensions
from forum.moderation.models import Appeal, ModerationAction, Report, Suspension
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.moderation.conftest import refresh

pytestmark = pytest.mark.django_db
Status = Comment.Status
PERSONAS = ["anonymous", "reader", "author", "editor", "moderator", "superuser"]


@dataclass
class Case:
    """An endpoint: how to prepare it (returns url and data) and how to tell whether it acted."""

    prepare: Callable
    acted: Callable
    allowed: set


def _hidden(comment, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    return comment


def _pending(comment):
    Comment.objects.filter(pk=comment.pk).update(status=Status.PENDING)
    return comment


def _locked(comment, moderator):
    closing.lock_replies(comment=comment, actor=moderator)
    return comment


def _closed(article, moderator):
    closing.close_comments(article=article, actor=moderator)
    return article


def _target(ctx):
    return ctx.setdefault("target", UserFactory(username="troll"))


def _suspended(ctx):
    return suspensions.suspend(user=_target(ctx), duration="7", reason="Trolling", actor=ctx["moderator"])


def _appealed(ctx):
    hidden = _hidden(ctx["comment"], ctx["moderator"])
    return appeals.appeal(comment=hidden, author=hidden.author, text="Irony")


CASES = {
    "hide": Case(
        lambda c: (f"/moderation/comments/{c['comment'].pk}/hide/", {"reason": "abuse"}),
        lambda c: refresh(c["comment"]).status == Status.HIDDEN,
        {"moderator", "superuser"},
    ),
    "unhide": Case(
        lambda c: (f"/moderation/comments/{_hidden(c['comment'], c['moderator']).pk}/unhide/", {}),
        lambda c: refresh(c["comment"]).status == Status.PUBLISHED,
        {"moderator", "superuser"},
    ),
    "approve": Case(
        lambda c: (f"/moderation/comments/{_pending(c['comment']).pk}/approve/", {}),
        lambda c: refresh(c["comment"]).status == Status.PUBLISHED,
        {"moderator", "superuser"},
    ),
    "spam": Case(
        lambda c: (f"/moderation/comments/{c['comment'].pk}/spam/", {}),
        lambda c: refresh(c["comment"]).status == Status.SPAM,
        {"moderator", "superuser"},
    ),
    "delete": Case(
        lambda c: (f"/moderation/comments/{c['comment'].pk}/delete/", {"confirm": "on"}),
        lambda c: not Comment.objects.filter(pk=c["comment"].pk).exists(),
        {"moderator", "superuser"},
    ),
    "bulk": Case(
        lambda c: ("/moderation/bulk/", {"action": "spam", "comments": [c["comment"].pk]}),
        lambda c: refresh(c["comment"]).status == Status.SPAM,
        {"moderator", "superuser"},
    ),
    "lock": Case(
        lambda c: (f"/moderation/comments/{c['comment'].pk}/lock/", {}),
        lambda c: refresh(c["comment"]).replies_locked,
        {"editor", "moderator", "superuser"},
    ),
    "unlock": Case(
        lambda c: (f"/moderation/comments/{_locked(c['comment'], c['moderator']).pk}/unlock/", {}),
        lambda c: not refresh(c["comment"]).replies_locked,
        {"editor", "moderator", "superuser"},
    ),
    "close": Case(
        lambda c: (f"/moderation/articles/{c['comment'].article_id}/close/", {}),
        lambda c: not Article.objects.get(pk=c["comment"].article_id).comments_open,
        {"editor", "moderator", "superuser"},
    ),
    "reopen": Case(
        lambda c: (f"/moderation/articles/{_closed(c['comment'].article, c['moderator']).pk}/reopen/", {}),
        lambda c: Article.objects.get(pk=c["comment"].article_id).comments_open,
        {"editor", "moderator", "superuser"},
    ),
    "suspend": Case(
        lambda c: (f"/moderation/users/{_target(c).pk}/suspend/", {"duration": "7", "reason": "Trolling"}),
        lambda c: Suspension.objects.filter(user=c["target"]).exists(),
        {"moderator", "superuser"},
    ),
    "lift": Case(
        lambda c: (f"/moderation/suspensions/{_suspended(c).pk}/lift/", {}),
        lambda c: suspensions.active_suspension(c["target"]) is None,
        {"moderator", "superuser"},
    ),
    "decide": Case(
        lambda c: (f"/moderation/appeals/{_appealed(c).pk}/decide/", {"decision": "grant", "reason": "Fine"}),
        lambda c: Appeal.objects.get().status == Appeal.Status.GRANTED,
        {"moderator", "superuser"},
    ),
    "report": Case(
        lambda c: (f"/moderation/comments/{c['comment'].pk}/report/", {"reason": "abuse", "note": "Rude"}),
        lambda c: Report.objects.exists(),
        {"reader", "editor", "moderator", "superuser"},
    ),
    "appeal": Case(
        lambda c: (
            f"/moderation/comments/{_hidden(c['comment'], c['moderator']).pk}/appeal/",
            {"text": "It was irony"},
        ),
        lambda c: Appeal.objects.exists(),
        {"author"},
    ),
}


@pytest.fixture
def people(reader, other_reader, editor, moderator, superuser):
    return {
        "anonymous": None,
        "reader": other_reader,
        "author": reader,
        "editor": editor,
        "moderator": moderator,
        "superuser": superuser,
    }


@pytest.fixture
def ctx(comment, moderator):
    return {"comment": comment, "moderator": moderator}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(CASES))
def test_permission_matrix(client, people, ctx, endpoint, persona):
    case = CASES[endpoint]
    url, data = case.prepare(ctx)
    if people[persona] is not None:
        client.force_login(people[persona])

    response = client.post(url, data)

    if persona in case.allowed:
        assert response.status_code == 302, response.content.decode()[:500]
        assert case.acted(ctx)
    else:
        assert response.status_code == 403
        assert not case.acted(ctx)


@pytest.mark.parametrize("endpoint", list(CASES))
def test_get_is_not_allowed(client, superuser, ctx, endpoint):
    url, _data = CASES[endpoint].prepare(ctx)
    client.force_login(superuser)

    response = client.get(url)

    assert response.status_code == 405
    assert not CASES[endpoint].acted(ctx)


@pytest.mark.parametrize("endpoint", ["hide", "report", "suspend"])
def test_a_post_without_csrf_token_is_refused(moderator, other_reader, ctx, endpoint):
    url, data = CASES[endpoint].prepare(ctx)
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_reader if endpoint == "report" else moderator)

    response = client.post(url, data)

    assert response.status_code == 403
    assert not CASES[endpoint].acted(ctx)


def test_a_refusal_explains_itself(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "abuse"})

    assert response.status_code == 403
    assert "Only moderators can do that." in response.content.decode()


# -- where the actions lead ------------------------------------------------------------------------
def test_hide_redirects_to_the_comment_on_its_article(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "abuse"})

    assert response["Location"] == f"/articles/belarus-urges-truce/#comment-{comment.pk}"


def test_an_action_returns_to_next_on_this_site(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(
        f"/moderation/comments/{comment.pk}/hide/", {"reason": "abuse", "next": "/moderation/?tab=hidden"}
    )

    assert response["Location"] == "/moderation/?tab=hidden"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_action_ignores_next_elsewhere(client, comment, moderator, unsafe):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "abuse", "next": unsafe})

    assert response["Location"] == f"/articles/belarus-urges-truce/#comment-{comment.pk}"


def test_success_is_announced(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "spam"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Thank you. The moderators will look at this comment."
    ]


# -- bad input -------------------------------------------------------------------------------------
def test_hide_without_a_reason_shows_the_form_again(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"note": "Rude"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"reason": ["Choose the reason for hiding."]}
    assert refresh(comment).status == Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_hide_with_an_unknown_reason_is_refused(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "illegal"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reason"]
    assert refresh(comment).status == Status.PUBLISHED


def test_illegal_content_without_the_law_is_refused(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "illegal"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"law": ["Name the law this comment breaks."]}
    assert not Report.objects.exists()


def test_a_second_report_is_refused_with_a_message(client, comment, other_reader):
    client.force_login(other_reader)
    client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "abuse"})

    response = client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "spam"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["You have already reported this comment."]
    assert Report.objects.count() == 1


def test_a_suspended_reader_cannot_report_by_the_endpoint(client, comment, other_reader, moderator):
    suspensions.suspend(user=other_reader, duration="1", reason="Trolling", actor=moderator)
    client.force_login(other_reader)

    response = client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "abuse"})

    assert response.status_code == 403
    assert "Your account is suspended until" in response.content.decode()
    assert not Report.objects.exists()


def test_an_overlong_appeal_is_refused(client, comment, reader, moderator):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    client.force_login(reader)

    response = client.post(f"/moderation/comments/{comment.pk}/appeal/", {"text": "x" * 501})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["text"]
    assert not Appeal.objects.exists()


def test_a_suspension_for_another_duration_is_refused(client, other_reader, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/users/{other_reader.pk}/suspend/", {"duration": "3", "reason": "x"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["duration"]
    assert not Suspension.objects.exists()


def test_suspending_a_moderator_is_refused(client, moderator, superuser):
    client.force_login(superuser)

    response = client.post(f"/moderation/users/{moderator.pk}/suspend/", {"duration": "1", "reason": "x"})

    assert response.status_code == 403
    assert not Suspension.objects.exists()


def test_deleting_a_comment_with_replies_is_refused(client, comment, reply, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/delete/", {"confirm": "on"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This comment has replies; hide it instead, so that the thread stays intact."
    ]
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_bulk_without_a_selection_is_refused(client, comment, moderator):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "spam"})

    assert response.status_code == 400
    assert refresh(comment).status == Status.PUBLISHED


@pytest.mark.parametrize("ids", [["x"], ["1.5"], [""]])
def test_bulk_with_malformed_ids_is_refused(client, comment, moderator, ids):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "spam", "comments": ids})

    assert response.status_code == 400
    assert refresh(comment).status == Status.PUBLISHED


def test_bulk_hide_needs_a_reason(client, comment, moderator):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "hide", "comments": [comment.pk]})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reason"]


def test_bulk_select_all_takes_the_page(client, article, moderator, other_reader):
    comments = [CommentFactory(article=article, author=other_reader, status=Status.PENDING) for _ in range(3)]
    client.force_login(moderator)

    response = client.post(
        "/moderation/bulk/",
        {"action": "approve", "select_all": "1", "page_ids": [c.pk for c in comments], "comments": []},
    )

    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_bulk_reports_skipped_comments(client, comment, reply, moderator):
    client.force_login(moderator)

    response = client.post(
        "/moderation/bulk/",
        {"action": "delete", "confirm_delete": "1", "comments": [comment.pk, reply.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 comment done.",
        f"Comment {comment.pk} skipped: "
        "This comment has replies; hide it instead, so that the thread stays intact.",
    ]


def test_an_unknown_comment_is_404(client, moderator):
    client.force_login(moderator)

    response = client.post("/moderation/comments/999999/hide/", {"reason": "abuse"})

    assert response.status_code == 404


def test_readers_cannot_report_what_they_cannot_see(client, article, reader, other_reader):
    pending = CommentFactory(article=article, author=reader, status=Status.PENDING)
    draft = ArticleFactory(status=Article.Status.DRAFT)
    on_draft = CommentFactory(article=draft, author=reader)
    client.force_login(other_reader)

    responses = [
        client.post(f"/moderation/comments/{c.pk}/report/", {"reason": "abuse"}) for c in (pending, on_draft)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert not Report.objects.exists()


# -- the forms on their own pages ------------------------------------------------------------------
def test_the_report_form_page(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.get(f"/moderation/comments/{comment.pk}/report/form/")

    assert response.status_code == 200
    assert response.templates[0].name == "moderation/form_page.html"
    html = response.content.decode()
    assert f'action="/moderation/comments/{comment.pk}/report/"' in html
    assert "Send report" in html


def test_the_report_form_as_an_htmx_fragment(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.get(f"/moderation/comments/{comment.pk}/report/form/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "moderation/_form.html"
    assert "<html" not in response.content.decode()


def test_the_report_form_is_refused_to_the_author(client, comment, reader):
    client.force_login(reader)

    response = client.get(f"/moderation/comments/{comment.pk}/report/form/")

    assert response.status_code == 403


def test_the_report_form_sends_anonymous_readers_to_log_in(client, comment):
    response = client.get(f"/moderation/comments/{comment.pk}/report/form/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona,status", [("reader", 403), ("editor", 403), ("moderator", 200)])
def test_the_hide_form_is_for_moderators(client, people, comment, persona, status):
    client.force_login(people[persona])

    response = client.get(f"/moderation/comments/{comment.pk}/hide/form/")

    assert response.status_code == status


@pytest.mark.parametrize("persona,status", [("author", 200), ("reader", 403), ("moderator", 403)])
def test_the_appeal_form_is_for_the_author(client, people, comment, moderator, persona, status):
    services.hide(comment=comment, actor=moderator, reason="abuse")
    client.force_login(people[persona])

    response = client.get(f"/moderation/comments/{comment.pk}/appeal/form/")

    assert response.status_code == status


# -- hiding says why, deleting for good asks first ----------------------------------------------------
def test_the_hide_form_starts_without_a_reason(client, comment, moderator):
    client.force_login(moderator)

    response = client.get(f"/moderation/comments/{comment.pk}/hide/form/")

    html = response.content.decode()
    assert response.context["form"]["reason"].value() is None
    assert '<option value="" selected>Choose a reason</option>' in html
    reason_select = re.search(r'<select name="reason"[^>]* required[^>]*>(.*?)</select>', html, re.S)
    assert reason_select
    assert reason_select.group(1).count(" selected>") == 1


def test_deleting_for_good_without_confirmation_is_refused(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/delete/", {"reason": "personal_data"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "confirm": ["Tick the box to confirm: a comment deleted for good cannot be restored."]
    }
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert not ModerationAction.objects.exists()


def test_the_delete_confirmation_page(client, comment, moderator):
    client.force_login(moderator)

    response = client.get(
        f"/moderation/comments/{comment.pk}/delete/form/?next=/moderation/%3Ftab%3Dreported"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "moderation/form_page.html"
    assert f'action="/moderation/comments/{comment.pk}/delete/"' in html
    assert re.search(r'<input type="checkbox" name="confirm"[^>]* required', html)
    assert '<button type="submit">Delete for good</button>' in html
    assert '<a class="action" href="/moderation/?tab=reported">Cancel</a>' in html
    assert "Alice&#x27;s secret opinion about the truce." in html
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_confirmed_deletion_returns_to_the_queue(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(
        f"/moderation/comments/{comment.pk}/delete/", {"confirm": "on", "next": "/moderation/?tab=reported"}
    )

    assert response["Location"] == "/moderation/?tab=reported"
    assert not Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("persona,status", [("reader", 403), ("editor", 403), ("moderator", 200)])
def test_the_delete_confirmation_is_for_moderators(client, people, comment, persona, status):
    client.force_login(people[persona])

    response = client.get(f"/moderation/comments/{comment.pk}/delete/form/")

    assert response.status_code == status


def test_the_delete_confirmation_refuses_post(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(f"/moderation/comments/{comment.pk}/delete/form/", {"confirm": "on"})

    assert response.status_code == 405
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_bulk_delete_needs_its_confirmation(client, comment, moderator):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "delete", "comments": [comment.pk]})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "confirm_delete": ["Tick the box to confirm: a comment deleted for good cannot be restored."]
    }
    # The page that asks again carries the selection.
    assert f'<input type="hidden" name="comments" value="{comment.pk}"' in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


# -- a report is sent in place -------------------------------------------------------------------------
def test_the_report_form_fragment_posts_itself_in_place(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.get(f"/moderation/comments/{comment.pk}/report/form/", headers={"HX-Request": "true"})

    assert (
        f'hx-post="/moderation/comments/{comment.pk}/report/" hx-target="this" hx-swap="outerHTML"'
        in response.content.decode()
    )


def test_the_report_form_page_without_javascript_is_a_plain_form(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.get(f"/moderation/comments/{comment.pk}/report/form/")

    assert "hx-post" not in response.content.decode()


def test_a_report_sent_in_place_answers_with_the_thank_you(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.post(
        f"/moderation/comments/{comment.pk}/report/", {"reason": "spam"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<p class="moderation-done" role="status" tabindex="-1" data-focus>'
        "Thank you. The moderators will look at this comment.</p>"
    )
    assert Report.objects.get().reporter == other_reader
    # Said once, in place: the next page does not say it again.
    page = client.get(comment.article.get_absolute_url())
    assert list(page.context["messages"]) == []


def test_a_report_refused_in_place_answers_with_the_form_and_the_reason(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.post(
        f"/moderation/comments/{comment.pk}/report/", {"reason": "illegal"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert response.templates[0].name == "moderation/_form.html"
    assert "Name the law this comment breaks." in html
    assert 'hx-target="this"' in html
    assert not Report.objects.exists()


def test_a_report_without_javascript_returns_to_the_comment_with_the_thank_you(client, comment, other_reader):
    client.force_login(other_reader)

    response = client.post(f"/moderation/comments/{comment.pk}/report/", {"reason": "spam"})
    page = client.get(response["Location"])

    assert response["Location"] == f"/articles/belarus-urges-truce/#comment-{comment.pk}"
    assert [str(m) for m in page.context["messages"]] == [
        "Thank you. The moderators will look at this comment."
    ]


def test_the_hide_form_fragment_still_posts_as_a_plain_form(client, comment, moderator):
    client.force_login(moderator)

    response = client.get(f"/moderation/comments/{comment.pk}/hide/form/", headers={"HX-Request": "true"})

    assert "hx-post" not in response.content.decode()


# -- numbers no row can have ---------------------------------------------------------------------------
HUGE = "9" * 20  # beyond any id the database holds (and beyond what SQLite can even compare)
JUST_TOO_BIG = str(2**63)


@pytest.mark.parametrize("number", [HUGE, JUST_TOO_BIG])
def test_bulk_with_an_id_too_large_is_refused(client, comment, moderator, number):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "spam", "comments": [comment.pk, number]})

    assert response.status_code == 400
    assert f"No comment has the number {number}." in response.content.decode()
    assert refresh(comment).status == Status.PUBLISHED


def test_bulk_select_all_with_an_id_too_large_is_refused(client, comment, moderator):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "spam", "select_all": "1", "page_ids": [HUGE]})

    assert response.status_code == 400
    assert f"No comment has the number {HUGE}." in response.content.decode()


@pytest.mark.parametrize("number", ["0", "-3"])
def test_bulk_with_an_id_below_one_is_refused(client, comment, moderator, number):
    client.force_login(moderator)

    response = client.post("/moderation/bulk/", {"action": "spam", "comments": [number]})

    assert response.status_code == 400
    assert f"No comment has the number {number}." in response.content.decode()


def test_bulk_says_which_comments_no_longer_exist(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(
        "/moderation/bulk/", {"action": "spam", "comments": [comment.pk, 987654321]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 comment done.",
        "Comment 987654321 skipped: It no longer exists.",
    ]


def test_suspending_with_a_comment_number_too_large_is_refused(client, other_reader, moderator):
    client.force_login(moderator)

    response = client.post(
        f"/moderation/users/{other_reader.pk}/suspend/",
        {"duration": "7", "reason": "Trolling", "comment": HUGE},
    )

    assert response.status_code == 400
    assert "No comment has this number." in response.content.decode()
    assert not Suspension.objects.exists()


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "comments/{n}/hide/"),
        ("post", "comments/{n}/unhide/"),
        ("post", "comments/{n}/approve/"),
        ("post", "comments/{n}/spam/"),
        ("post", "comments/{n}/delete/"),
        ("get", "comments/{n}/delete/form/"),
        ("post", "comments/{n}/lock/"),
        ("post", "comments/{n}/report/"),
        ("get", "comments/{n}/report/form/"),
        ("get", "comments/{n}/hide/form/"),
        ("post", "comments/{n}/appeal/"),
        ("get", "comments/{n}/appeal/form/"),
        ("post", "appeals/{n}/decide/"),
        ("post", "users/{n}/suspend/"),
        ("post", "suspensions/{n}/lift/"),
        ("post", "articles/{n}/close/"),
        ("post", "articles/{n}/reopen/"),
    ],
)
def test_an_id_too_large_in_the_address_is_404(client, superuser, method, path):
    client.force_login(superuser)

    response = getattr(client, method)(f"/moderation/{path.format(n=HUGE)}", {"reason": "abuse"})

    assert response.status_code == 404


def test_every_action_of_the_table_has_its_url_and_its_form_page_if_any():
    from django.urls import reverse

    from forum.moderation.views import ACTIONS

    routes = {name: reverse(f"moderation:{name}", args=[7]) for name in ACTIONS}
    form_routes = {
        name: reverse(f"moderation:{name}_form", args=[7]) for name, a in ACTIONS.items() if a.form_page
    }

    assert routes == {
        "hide": "/moderation/comments/7/hide/",
        "unhide": "/moderation/comments/7/unhide/",
        "approve": "/moderation/comments/7/approve/",
        "spam": "/moderation/comments/7/spam/",
        "delete": "/moderation/comments/7/delete/",
        "lock": "/moderation/comments/7/lock/",
        "unlock": "/moderation/comments/7/unlock/",
        "close": "/moderation/articles/7/close/",
        "reopen": "/moderation/articles/7/reopen/",
        "suspend": "/moderation/users/7/suspend/",
        "lift": "/moderation/suspensions/7/lift/",
        "decide": "/moderation/appeals/7/decide/",
        "report": "/moderation/comments/7/report/",
        "appeal": "/moderation/comments/7/appeal/",
    }
    assert form_routes == {
        "hide": "/moderation/comments/7/hide/form/",
        "delete": "/moderation/comments/7/delete/form/",
        "report": "/moderation/comments/7/report/form/",
        "appeal": "/moderation/comments/7/appeal/form/",
    }
