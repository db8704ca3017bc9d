"""Every page, as every role, runs under the strict Content-Security-Policy without a single violation, and
the htmx features (reply, vote, load more) keep working under it."""

import pytest
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import expect

from forum.comments import posting
from forum.comments.models import Comment
from tests.e2e.conftest import new_page
from tests.e2e.discussion import actions
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    EditorFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Registered before any page script runs; the browser injects it, so the policy does not apply to it.
# Each violation is logged with a marker that the test collects from the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP-VIOLATION " + event.effectiveDirective + " " + event.blockedURI + " at "
    + event.sourceFile + ":" + event.lineNumber + " on " + document.location.pathname);
});
"""


class Watched:
    """A browser page that records every CSP violation and checks that each document carries the policy."""

    def __init__(self, browser, live_server):
        self.base_url = live_server.url
        self.page = new_page(browser, live_server)
        self.page.context.add_init_script(REPORT_VIOLATIONS)
        self.violations: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message):
        if message.text.startswith("CSP-VIOLATION"):
            self.violations.append(message.text)

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, f"{path}: {policy!r}"
        self.page.wait_for_load_state("load")

    def sign_in(self, user) -> None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        self.page.context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": self.base_url}]
        )
        self.visit("/privacy/")
        expect(self.page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.fixture
def watched(browser, live_server):
    pages = []

    def open_page(user=None):
        watched = Watched(browser, live_server)
        if user is not None:
            watched.sign_in(user)
        pages.append(watched)
        return watched

    yield open_page
    for watched in pages:
        watched.page.context.close()


@pytest.fixture
def site(settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = ArticleFactory(title="Storm closes the port", slug="storm-closes-the-port")
    article.tags.add("weather")
    author = UserFactory(username="alice")
    first = CommentFactory(article=article, author=author, body="The harbour wall held.")
    reply = CommentFactory(parent=first, body="It did, *barely*.")
    CommentFactory(article=article, body="Ferries are cancelled.")
    CommentFactory(article=article, body="A third thread, on the next page.")
    CommentFactory(article=article, body="Held for review.", status=Comment.Status.PENDING)
    hidden = CommentFactory(article=article, body="Rude.")
    posting.set_status(comment=hidden, status=Comment.Status.HIDDEN)
    return {"article": article, "author": author, "first": first, "reply": reply}


def public_pages(site) -> list[str]:
    article = site["article"]
    return [
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?sort=top",
        reverse("comments:permalink", args=[article.slug, site["reply"].pk]),
        reverse("articles:section", args=[article.section.slug]),
        reverse("articles:tag", args=["weather"]),
        reverse("articles:author", args=[article.author.username]),
        reverse("privacy"),
    ]


READER_PAGES = [
    "/accounts/profile/",
    "/accounts/profile/delete/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/notifications/",
    "/notifications/settings/",
]


def admin_pages(user) -> list[str]:
    """The admin index and, for every model the user may see, its list and its add form if allowed."""

    class Request:
        pass

    request = Request()
    request.user = user
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if model_admin.has_view_permission(request):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return pages


def test_the_detector_reports_a_violation(watched, site):
    """Without this, zero violations could mean a listener that never hears anything."""
    page = watched()
    page.visit("/privacy/")

    page.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")

    expect(page.page.locator("p[style]")).to_have_count(1)
    page.page.wait_for_timeout(200)
    assert len(page.violations) == 1 and "style-src" in page.violations[0]


def test_anonymous_pages_have_no_violations(watched, site):
    page = watched()

    for path in [*public_pages(site), "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        page.visit(path)

    assert page.violations == []


def test_reader_pages_have_no_violations(watched, site):
    page = watched(UserFactory(username="dora"))

    for path in [*public_pages(site), *READER_PAGES]:
        page.visit(path)

    assert page.violations == []


def test_comment_author_pages_have_no_violations(watched, site):
    page = watched(site["author"])

    for path in [
        *public_pages(site),
        reverse("comments:edit", args=[site["article"].slug, site["first"].pk]),
        reverse("comments:delete", args=[site["article"].slug, site["first"].pk]),
    ]:
        page.visit(path)

    assert page.violations == []


def test_moderator_pages_have_no_violations(watched, site):
    moderator = ModeratorFactory(username="charlie")
    page = watched(moderator)
    comment = site["first"]

    for path in [
        *public_pages(site),
        "/moderation/",
        "/moderation/?tab=reported",
        reverse("moderation:hide_form", args=[comment.pk]),
        *admin_pages(moderator),
        reverse("admin:comments_comment_change", args=[comment.pk]),
    ]:
        page.visit(path)

    assert page.violations == []


def test_editor_pages_have_no_violations(watched, site):
    editor = EditorFactory(username="erin")
    page = watched(editor)

    for path in [
        *public_pages(site),
        *admin_pages(editor),
        reverse("admin:articles_article_change", args=[site["article"].pk]),
    ]:
        page.visit(path)

    assert page.violations == []


def test_superuser_admin_pages_have_no_violations(watched, site):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = watched(superuser)

    for path in [
        *admin_pages(superuser),
        reverse("admin:articles_article_change", args=[site["article"].pk]),
        reverse("admin:comments_comment_change", args=[site["first"].pk]),
        reverse("admin:accounts_user_change", args=[site["author"].pk]),
    ]:
        page.visit(path)

    assert page.violations == []


def test_htmx_reply_vote_and_load_more_work_without_violations(watched, site):
    page = watched(UserFactory(username="dora"))
    first = site["first"]
    page.visit(site["article"].get_absolute_url())
    browser_page = page.page

    actions(browser_page, first.pk).get_by_role("link", name="Reply").click()
    slot = browser_page.locator(f"#reply-slot-{first.pk}")
    slot.get_by_label("Reply", exact=True).fill("Under a strict policy.")
    slot.get_by_role("button", name="Post reply").click()
    expect(browser_page.locator(".comment-body", has_text="Under a strict policy.")).to_be_visible()

    vote = actions(browser_page, first.pk).locator(".vote")
    vote.click()
    expect(actions(browser_page, first.pk).locator(".vote")).to_have_attribute("aria-pressed", "true")

    browser_page.get_by_role("link", name="Load more").click()
    next_page = browser_page.locator(".comment-body", has_text="A third thread, on the next page.")
    expect(next_page).to_be_visible()

    assert Comment.objects.filter(body="Under a strict policy.", parent=first).exists()
    assert page.violations == []
