"""A reader whose browser asks for Ukrainian, from sign-up to the moderator's reason: every step in Ukrainian,
the e-mails included, while the moderator works in English."""

import re

import pytest
from playwright.sync_api import expect

from forum.accounts.models import User
from forum.comments.models import Comment
from forum.moderation.models import Report
from tests.e2e.discussion import actions, body, comment
from tests.factories import PASSWORD, ArticleFactory, CommentFactory, ModeratorFactory, UserFactory
from tests.services import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def ukrainian_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="uk-UA", extra_http_headers={"Accept-Language": "uk-UA,uk;q=0.9"}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


@pytest.fixture
def olenas_browser(browser, live_server):
    page = ukrainian_page(browser, live_server)
    yield page
    page.context.close()


def test_a_ukrainian_reader_goes_from_sign_up_to_the_moderators_reason_in_ukrainian(
    olenas_browser, page, sign_in, mailbox
):
    article = ArticleFactory(title="Білорусь закликає до перемир’я", slug="belarus-urges-truce")
    bobs = CommentFactory(article=article, author=UserFactory(username="bob"), body="Nobody believes it.")
    rude = CommentFactory(article=article, body="You are all idiots.")
    moderator = ModeratorFactory(username="charlie")
    olena = olenas_browser

    # The front page, in the language the browser asks for.
    olena.goto("/")
    expect(olena.locator("html")).to_have_attribute("lang", "uk")
    expect(olena.get_by_role("heading", name="Свіжі статті")).to_be_visible()

    # Sign up, with allauth's own Ukrainian and ours.
    olena.get_by_role("link", name="Зареєструватися").click()
    olena.get_by_label("Ім'я користувача").fill("olena")
    olena.get_by_label("Електронна пошта").fill("olena@example.com")
    olena.get_by_label("Пароль:", exact=True).fill(PASSWORD)
    olena.get_by_label("Пароль (ще раз)").fill(PASSWORD)
    olena.get_by_label("Ім’я на сайті").fill("Олена")
    olena.get_by_role("button", name="Зареєструватись").click()
    expect(olena.get_by_role("heading", name="Підтвердіть Вашу Адресу Електронної Пошти")).to_be_visible()
    assert User.objects.get(username="olena").language == "uk"

    # Verify through the link in the e-mail, which is in Ukrainian too.
    [verification] = mailbox
    assert verification.subject == "[Tribune] Будь Ласка, Підтвердіть Вашу Адресу Електронної Пошти"
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", verification.body).group(1)
    olena.goto(link)
    olena.get_by_role("button", name="Підтвердити").click()
    if "/accounts/login/" in olena.url:
        olena.get_by_label("Вхід").fill("olena")
        olena.get_by_label("Пароль").fill(PASSWORD)
        olena.get_by_role("button", name="Увійти").click()
    expect(olena.get_by_role("button", name="Вийти")).to_be_visible()

    # Comment, reply and report.
    olena.goto(f"/articles/{article.slug}/")
    olena.get_by_label("Коментар", exact=True).fill("Перемир’я не протримається й тижня.")
    olena.get_by_role("button", name="Надіслати коментар").click()
    expect(olena.get_by_text("Перемир’я не протримається й тижня.")).to_be_visible()
    own = Comment.objects.get(author__username="olena", parent=None)
    expect(body(olena, own.pk)).to_have_text("Перемир’я не протримається й тижня.")
    expect(olena.locator(".comment-count")).to_have_text("3 коментарі")

    actions(olena, bobs.pk).get_by_role("link", name="Відповісти").click()
    olena.get_by_label("Ваша відповідь", exact=True).fill("А я вірю.")
    olena.get_by_role("button", name="Надіслати відповідь").click()
    expect(olena.get_by_text("А я вірю.")).to_be_visible()
    reply = Comment.objects.get(author__username="olena", parent=bobs)
    expect(body(olena, reply.pk)).to_have_text("А я вірю.")
    expect(comment(olena, bobs.pk).locator("summary").first).to_have_text("1 відповідь")

    actions(olena, rude.pk).get_by_role("link", name="Поскаржитися").click()
    olena.get_by_label("Чому ви скаржитеся на цей коментар?").select_option(label="Образи")
    olena.get_by_role("button", name="Надіслати скаргу").click()
    expect(olena.get_by_text("Дякуємо! Модератори перевірять цей коментар.")).to_be_visible()
    assert Report.objects.get().reporter.username == "olena"

    # The moderator, in English, hides Olena's comment with a reason.
    sign_in(moderator)
    page.goto(f"/articles/{article.slug}/")
    actions(page, own.pk).get_by_role("link", name="Hide").click()
    page.get_by_label("Reason").select_option(label="Off-topic")
    page.get_by_role("button", name="Hide comment").click()
    expect(page.get_by_text("The comment is hidden.")).to_be_visible()

    # Olena reads the reason in Ukrainian, on the page and in the e-mail about it.
    olena.goto(f"/articles/{article.slug}/")
    note = comment(olena, own.pk).locator(".moderation-note")
    expect(note).to_contain_text("Приховано від читачів. Причина: Не на тему.")
    expect(note).to_contain_text("Його бачите лише ви та модератори.")
    # The e-mail is sent by the task the hiding enqueued on commit, in the live server's thread: wait for it.
    [hidden] = wait_until(
        lambda: [m for m in mailbox if m.to == ["olena@example.com"] and m is not verification],
        10,
        what="the e-mail about the hidden comment",
    )
    assert hidden.subject == "[Tribune] Ваш коментар до «Білорусь закликає до перемир’я» приховано"
    assert "Причина: Не на тему" in hidden.body
