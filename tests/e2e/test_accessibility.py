"""axe-core (from the npm registry, see package.json) checks the pages readers use. Any violation of impact
"serious" or "critical" fails the test, with what axe found."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from forum.comments import posting
from forum.comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make node` (npm ci)")
    # Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy does not
    # govern: a <script> tag (add_script_tag) would be refused by script-src 'self'.
    page.evaluate(AXE.read_text())
    results = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def serious_violations_report(page: Page) -> str:
    """What axe found on the page, one violation a line with the elements it names; empty when all is well."""
    violations = axe_violations(page)
    if not violations:
        return ""
    return f"axe found serious or critical violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        for v in violations
    )


def assert_accessible(page: Page) -> None:
    report = serious_violations_report(page)
    assert not report, report


@pytest.fixture
def discussion(article, reader, other_reader):
    """A discussion with nested replies, a deleted placeholder whose reply stays, and an up-voted comment."""
    opening = CommentFactory(
        article=article, author=other_reader, body="Bob opens, with a [link](https://example.com)."
    )
    answer = CommentFactory(article=article, parent=opening, author=reader, body="Alice answers.")
    deeper = CommentFactory(article=article, parent=answer, author=other_reader, body="Bob goes *deeper*.")
    regret = CommentFactory(article=article, parent=opening, author=reader, body="Alice regrets this.")
    CommentFactory(article=article, parent=regret, author=other_reader, body="Bob quotes the regret.")
    posting.delete_comment(comment=regret, user=reader)
    posting.toggle_vote(comment=answer, user=other_reader)
    CommentFactory(article=article, author=other_reader, body="> A quote\n\n- a list\n- of points")
    hidden = CommentFactory(article=article, author=other_reader, body="Bob says something rude.")
    CommentFactory(
        article=article,
        parent=hidden,
        author=reader,
        body="Alice objects, with a [link](https://example.com).",
    )
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN)
    CommentFactory(
        article=article,
        parent=deeper,
        author=reader,
        body="Alice waits for a moderator, [linking](https://example.com).",
        status=Comment.Status.PENDING,
    )
    return {"opening": opening, "answer": answer, "deeper": deeper, "regret": regret, "hidden": hidden}


def test_article_page_with_a_discussion_has_no_serious_violations(page, sign_in, reader, article, discussion):
    sign_in(reader)

    page.goto(article.get_absolute_url())
    expect(page.locator(".comment-notice")).to_have_text(
        ["This comment was deleted.", "This comment was hidden by a moderator."]
    )
    expect(page.locator(".comment-flag")).to_have_text("awaiting moderation")
    expect(page.get_by_label("Comment", exact=True)).to_be_visible()

    assert_accessible(page)


def test_article_page_with_a_reply_form_and_an_edit_form_open_has_no_serious_violations(
    page, sign_in, reader, article, discussion
):
    sign_in(reader)
    page.goto(article.get_absolute_url())
    page.locator(f"#comment-{discussion['opening'].pk} > .comment-actions").get_by_role(
        "link", name="Reply"
    ).click()
    expect(page.get_by_label("Reply", exact=True)).to_be_focused()
    page.locator(f"#comment-{discussion['answer'].pk} > .comment-actions").get_by_role(
        "link", name="Edit"
    ).click()
    expect(page.get_by_label("Edit your comment")).to_be_focused()

    assert_accessible(page)


def test_permalink_page_has_no_serious_violations(page, sign_in, reader, article, discussion):
    sign_in(reader)

    page.goto(f"{discussion['deeper'].get_absolute_url()}?reply")
    expect(page.get_by_role("link", name="Back to the discussion")).to_be_visible()
    expect(page.get_by_label("Reply", exact=True)).to_be_visible()

    assert_accessible(page)


def test_delete_confirmation_page_has_no_serious_violations(page, sign_in, reader, article, discussion):
    sign_in(reader)

    page.goto(f"/articles/{article.slug}/comments/{discussion['answer'].pk}/delete/")
    expect(page.get_by_role("button", name="Delete comment")).to_be_visible()

    assert_accessible(page)


def test_article_page_for_a_moderator_has_no_serious_violations(
    page, sign_in, moderator, article, discussion
):
    sign_in(moderator)

    page.goto(article.get_absolute_url())
    expect(page.locator(f"#comment-{discussion['hidden'].pk}")).to_have_attribute("data-status", "hidden")
    expect(page.locator(f"#comment-{discussion['hidden'].pk} > .comment-body")).to_have_text(
        "Bob says something rude."
    )

    assert_accessible(page)


def test_pages_an_anonymous_visitor_sees_have_no_serious_violations(page, article, discussion):
    pages = [
        ("/", page.get_by_role("link", name=article.title)),
        (article.get_absolute_url(), page.get_by_role("link", name="Log in to comment")),
        ("/accounts/login/", page.get_by_label("Password")),
    ]
    reports = []
    for url, landmark in pages:
        page.goto(url)
        expect(landmark).to_be_visible()
        reports.append(serious_violations_report(page))

    assert not any(reports), "\n".join(filter(None, reports))
