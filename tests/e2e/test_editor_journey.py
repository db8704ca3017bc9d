import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, EditorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_publishes_an_article_that_appears_on_the_front_page(page, login):
    editor = EditorFactory(username="edith")
    login(editor, PASSWORD)

    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title:").press_sequentially("Ceasefire talks resume in Geneva")
    expect(page.get_by_label("Slug:")).to_have_value("ceasefire-talks-resume-in-geneva")
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
