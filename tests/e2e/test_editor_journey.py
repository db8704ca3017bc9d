import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import PASSWORD, EditorFactory, SectionFactory, WriterFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(width=1300, height=700) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 80, 120)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_editor_publishes_an_article_that_appears_on_the_front_page(page, login):
    editor = EditorFactory(username="edith")
    SectionFactory(slug="world", name="World")
    login(editor, PASSWORD)

    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title:").press_sequentially("Ceasefire talks resume in Geneva")
    expect(page.get_by_label("Slug:")).to_have_value("ceasefire-talks-resume-in-geneva")
    page.get_by_label("Section:").select_option(label="World")
    page.get_by_label("Standfirst:").fill("Delegations meet for the first time in a year.")
    page.get_by_label("Body:").fill("The talks **resumed** this morning.")
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/")
    link = page.get_by_role("link", name="Ceasefire talks resume in Geneva")
    expect(link).to_be_visible()
    link.click()

    expect(page).to_have_url(re.compile(r"/articles/ceasefire-talks-resume-in-geneva/$"))
    expect(page.locator(".article-body strong")).to_have_text("resumed")
    expect(page.locator(".comment-count")).to_have_text("0 comments")


def test_editor_creates_a_section_writes_with_an_image_and_tags_previews_and_publishes(
    page, login, live_server
):
    editor = EditorFactory(username="edith", display_name="Edith Editor")
    login(editor, PASSWORD)

    # A new section.
    page.goto("/admin/articles/section/add/")
    page.get_by_label("Name:").press_sequentially("Climate")
    expect(page.get_by_label("Slug:")).to_have_value("climate")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # A draft with a lead image and tags.
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title:").press_sequentially("Glaciers retreat faster")
    page.get_by_label("Section:").select_option(label="Climate")
    page.get_by_label("Standfirst:").fill("A survey of 200 glaciers finds the loss doubled.")
    page.get_by_label("Body:").fill("Ice is **thinning** everywhere.")
    page.get_by_label("Tags:").fill("Alps, Ice")
    page.get_by_label("Lead image:").set_input_files(
        files=[{"name": "glacier.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.get_by_label("Alt text:").fill("A glacier tongue above a grey lake")
    page.get_by_label("Credit:").fill("Photo: Tribune")
    page.get_by_label("Status:").select_option("draft")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The preview shows it as readers will see it, before anyone else can.
    page.get_by_role("link", name="View on site").click()
    expect(page.locator(".preview-banner")).to_have_text(
        "Preview: this article is a draft and is not public."
    )
    expect(page.locator("h1")).to_have_text("Glaciers retreat faster")
    expect(page.locator(".lead-image img")).to_have_attribute("alt", "A glacier tongue above a grey lake")
    expect(page.locator(".lead-image img")).to_have_attribute(
        "srcset", re.compile(r"480w, .*800w, .*1200w, .*1300w")
    )
    anonymous = page.context.browser.new_context(base_url=live_server.url).new_page()
    assert anonymous.goto("/articles/glaciers-retreat-faster/").status == 404
    anonymous.context.close()

    # Published: stamped now, on the front page, its section and tag pages, and their feeds.
    page.go_back()
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article = Article.objects.get(slug="glaciers-retreat-faster")
    assert article.is_published()

    page.goto("/")
    expect(page.locator(".front-lead h2")).to_have_text("Glaciers retreat faster")
    expect(page.locator(".front-lead .byline")).to_have_text("By Edith Editor")
    page.goto("/sections/climate/")
    expect(page.get_by_role("link", name="Glaciers retreat faster")).to_be_visible()
    page.goto("/tags/alps/")
    expect(page.get_by_role("link", name="Glaciers retreat faster")).to_be_visible()
    for feed in ("/sections/climate/feed/", "/tags/ice/feed/", "/articles/feed/"):
        assert "<title>Glaciers retreat faster</title>" in page.request.get(feed).text()

    page.goto("/articles/glaciers-retreat-faster/")
    share = page.locator('meta[property="og:image"]').get_attribute("content")
    assert share == f"{live_server.url}/media/{article.lead_image_renditions['1200']}"
    expect(page.locator('meta[name="twitter:card"]')).to_have_attribute("content", "summary_large_image")


def test_a_writer_cannot_publish(page, login):
    writer = WriterFactory(username="wanda")
    SectionFactory(slug="world", name="World")
    login(writer, PASSWORD)

    page.goto("/admin/articles/article/add/")
    options = page.get_by_label("Status:").locator("option").all_inner_texts()
    page.get_by_label("Title:").press_sequentially("My first story")
    page.get_by_label("Section:").select_option(label="World")
    page.get_by_label("Body:").fill("Words.")
    page.get_by_label("Status:").select_option("review")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    assert options == ["Draft", "Submitted for review"]
    assert Article.objects.get(slug="my-first-story").status == "review"
    page.goto("/")
    expect(page.get_by_role("link", name="My first story")).to_have_count(0)
