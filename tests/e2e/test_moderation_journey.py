import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forum.comments.models import Comment
from forum.moderation.models import ModerationAction, Report
from tests.factories import PASSWORD, ArticleFactory, CommentFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_a_report_reaches_the_queue_and_the_moderator_hides_the_comment(page, login):
    article = ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce")
    comment = CommentFactory(article=article, body="You are all idiots and traitors.")
    reply = CommentFactory(parent=comment, body="Please keep it civil.")
    reader = UserFactory(username="dora", date_joined=timezone.now() - timedelta(days=60))
    moderator = ModeratorFactory(username="charlie")

    # A reader reports the comment.
    login(reader, PASSWORD)
    page.goto(f"/articles/{article.slug}/")
    page.locator(f"#comment-{comment.pk} > .comment-actions").get_by_role("link", name="Report").click()
    page.get_by_label("Why are you reporting this comment?").select_option(label="Abuse")
    page.get_by_label("Anything the moderators should know (optional)").fill("Insults everyone")
    page.get_by_role("button", name="Send report").click()
    # Sent in place: the thank-you takes the form's place beside the comment, without a page load.
    thanks = page.locator(f"#reply-slot-{comment.pk} .moderation-done")
    expect(thanks).to_have_text("Thank you. The moderators will look at this comment.")
    expect(thanks).to_be_focused()
    expect(page).to_have_url(re.compile(rf"/articles/{article.slug}/$"))
    assert Report.objects.get().reason == "abuse"
    log_out(page)

    # A moderator finds it in the queue and hides it with a reason.
    login(moderator, PASSWORD)
    page.goto("/moderation/")
    expect(page.locator('[data-tab="reported"] .queue-count')).to_have_text("1")
    row = page.locator(f"#row-{comment.pk}")
    expect(row).to_contain_text("Insults everyone")
    # Hide is the main action, open in the row; it asks for a reason rather than assuming one.
    expect(row.get_by_label("Reason", exact=True)).to_have_value("")
    row.get_by_role("button", name="Hide", exact=True).click()
    expect(row.get_by_label("Reason", exact=True)).to_be_focused()  # the browser asks for the reason
    row.get_by_label("Reason", exact=True).select_option(label="Abuse")
    row.get_by_label("Note for moderators (optional)").fill("Name-calling")
    row.get_by_role("button", name="Hide", exact=True).click()
    expect(page.get_by_text("The comment is hidden.")).to_be_visible()
    expect(page.locator('[data-tab="reported"] .queue-count')).to_have_text("0")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HIDDEN
    assert ModerationAction.objects.get().reason == "abuse"
    log_out(page)

    # An anonymous reader sees the placeholder, with the reply still in place beneath it.
    page.goto(f"/articles/{article.slug}/")
    hidden = page.locator(f"#comment-{comment.pk}")
    expect(hidden).to_have_attribute("data-status", "hidden")
    expect(hidden.locator(".comment-body").first).to_have_text("This comment was hidden by a moderator.")
    expect(page.get_by_text("You are all idiots")).to_have_count(0)
    expect(hidden.locator(f"#comment-{reply.pk} .comment-body")).to_have_text("Please keep it civil.")
    expect(page.locator(".comment-count")).to_have_text(re.compile(r"^1 comment$"))


def test_the_moderation_pages_have_no_serious_violations(page, sign_in):
    from forum.moderation import appeals, reports, services
    from tests.e2e.test_accessibility import assert_accessible

    article = ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce")
    moderator = ModeratorFactory(username="charlie")
    reported = CommentFactory(article=article, body="Reported", spam_score=0.7, spam_reasons=["links: 3"])
    reports.report(comment=reported, reporter=UserFactory(), reason="abuse", note="Rude")
    hidden = CommentFactory(parent=reported, body="Hidden")
    services.hide(comment=hidden, actor=moderator, reason="abuse")
    appeals.appeal(comment=hidden, author=hidden.author, text="Irony")
    sign_in(moderator)

    for tab in ("reported", "appeals"):
        page.goto(f"/moderation/?tab={tab}")
        expect(page.locator(".queue-row")).to_have_count(1)
        assert_accessible(page)
    for form in ("hide", "delete"):
        page.goto(f"/moderation/comments/{reported.pk}/{form}/form/")
        assert_accessible(page)

    page.context.clear_cookies()
    sign_in(UserFactory(username="dora"))
    page.goto(f"/moderation/comments/{reported.pk}/report/form/")
    expect(page.get_by_role("button", name="Send report")).to_be_visible()
    assert_accessible(page)


def test_a_reader_without_javascript_reports_and_returns_to_the_comment(page_without_js):
    from tests.e2e.conftest import log_in

    page = page_without_js
    article = ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce")
    comment = CommentFactory(article=article, body="You are all idiots and traitors.")
    log_in(page, UserFactory(username="dora", date_joined=timezone.now() - timedelta(days=60)), PASSWORD)

    page.goto(f"/articles/{article.slug}/")
    page.locator(f"#comment-{comment.pk} > .comment-actions").get_by_role("link", name="Report").click()
    expect(page).to_have_url(re.compile(rf"/moderation/comments/{comment.pk}/report/form/$"))
    page.get_by_label("Why are you reporting this comment?").select_option(label="Abuse")
    page.get_by_role("button", name="Send report").click()

    expect(page).to_have_url(re.compile(rf"/articles/{article.slug}/#comment-{comment.pk}$"))
    expect(page.get_by_text("Thank you. The moderators will look at this comment.")).to_be_visible()
    assert Report.objects.get().reason == "abuse"


def test_deleting_for_good_from_the_queue_asks_first(page, login):
    from forum.moderation import reports

    article = ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce")
    comment = CommentFactory(article=article, body="My home address is 1 Main Street.")
    reports.report(comment=comment, reporter=UserFactory(), reason="personal_data")
    login(ModeratorFactory(username="charlie"), PASSWORD)

    page.goto("/moderation/")
    page.locator(f"#row-{comment.pk}").get_by_role("link", name="Delete for good").click()
    expect(page.get_by_role("heading", name="Delete a comment for good")).to_be_visible()
    page.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_label("Yes, delete this comment for good; it cannot be restored.")).to_be_focused()
    assert Comment.objects.filter(pk=comment.pk).exists()

    page.get_by_label("Yes, delete this comment for good; it cannot be restored.").check()
    page.get_by_role("button", name="Delete for good").click()

    expect(page.get_by_text("The comment is deleted for good.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_the_moderator_hides_an_imported_comment_and_anonymous_readers_see_only_the_placeholder(
    page, login, tmp_path
):
    from django.core.management import call_command

    from tests.comments.test_import_disqus import disqus_file, post, thread

    article = ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce")
    export = disqus_file(
        tmp_path,
        thread(),
        post("1", name="Old Guest", message="<p>An imported insult for everyone.</p>"),
        post("2", parent="1", name="Another Guest", message="<p>An imported calm answer.</p>", minute=5),
    )
    call_command("import_disqus", str(export), verbosity=0)
    imported = Comment.objects.get(import_id="1")
    assert (imported.author, imported.author_name) == (None, "Old Guest")
    moderator = ModeratorFactory(username="charlie")

    # The moderator hides the imported comment from the article page, giving a reason.
    login(moderator, PASSWORD)
    page.goto(f"/articles/{article.slug}/")
    page.locator(f"#comment-{imported.pk} > .comment-actions").get_by_role("link", name="Hide").click()
    slot = page.locator(f"#reply-slot-{imported.pk}")
    slot.get_by_label("Reason:").select_option(label="Abuse")
    slot.get_by_role("button", name="Hide comment").click()
    expect(page.locator(f"#comment-{imported.pk}")).to_have_attribute("data-status", "hidden")
    assert Comment.objects.get(pk=imported.pk).status == Comment.Status.HIDDEN
    log_out(page)

    # Nobody owns a comment without an account: an anonymous reader gets the placeholder only, on the
    # article page and on the comment's own page, and the reply stays beneath it.
    for url in (f"/articles/{article.slug}/", f"/articles/{article.slug}/comments/{imported.pk}/"):
        page.goto(url)
        hidden = page.locator(f"#comment-{imported.pk}")
        expect(hidden).to_have_attribute("data-status", "hidden")
        expect(hidden.locator(".comment-body").first).to_have_text("This comment was hidden by a moderator.")
        expect(page.get_by_text("An imported insult")).to_have_count(0)
        expect(page.get_by_text("Old Guest")).to_have_count(0)
        expect(page.get_by_text("An imported calm answer.")).to_be_visible()
