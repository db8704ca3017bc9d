"""The reader's language: Accept-Language for guests, the switcher (cookie, account), login, allauth's and
the admin's own catalogues, dates in the locale, and URLs without language prefixes."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.accounts.models import User
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def ukrainian_browser():
    return Client(headers={"accept-language": "uk-UA,uk;q=0.9,en;q=0.5"})


@pytest.fixture
def english_browser():
    return Client(headers={"accept-language": "en-GB,en;q=0.9"})


def test_guest_whose_browser_asks_for_ukrainian_reads_the_site_in_ukrainian(ukrainian_browser, article):
    response = ukrainian_browser.get("/")

    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert '<h1 class="visually-hidden">Свіжі статті</h1>' in html
    assert response["Content-Language"] == "uk"


def test_guest_without_a_preference_reads_english(client, article):
    response = client.get("/")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<h1 class="visually-hidden">Latest articles</h1>' in html


def test_response_varies_on_accept_language_and_cookie(ukrainian_browser, article):
    response = ukrainian_browser.get(article.get_absolute_url())

    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


def test_urls_carry_no_language_prefix(ukrainian_browser, article):
    response = ukrainian_browser.get(article.get_absolute_url())

    assert response.status_code == 200
    assert reverse("articles:list") == "/"
    assert 'href="/articles/' in response.content.decode()
    assert ukrainian_browser.get("/uk/").status_code == 404


def test_switcher_sits_in_the_header_listing_languages_in_their_own_names(client, article):
    html = client.get("/").content.decode()

    assert '<form class="language-switcher" method="post" action="/language/">' in html
    assert '<option value="uk" lang="uk">Українська</option>' in html
    assert '<option value="en" lang="en" selected>English</option>' in html


def test_switching_keeps_the_choice_in_a_cookie_and_returns_to_the_same_address(client, article):
    url = article.get_absolute_url()

    response = client.post("/language/", {"language": "uk", "next": url})

    assert response.status_code == 302
    assert response["Location"] == url
    assert response.cookies[COOKIE].value == "uk"
    assert '<html lang="uk">' in client.get(url).content.decode()


def test_the_cookie_wins_over_accept_language(ukrainian_browser, article):
    ukrainian_browser.post("/language/", {"language": "en", "next": "/"})

    assert '<html lang="en">' in ukrainian_browser.get("/").content.decode()


def test_switching_while_logged_in_saves_the_language_on_the_account(client, reader):
    client.force_login(reader)

    client.post("/language/", {"language": "uk", "next": "/"})

    reader.refresh_from_db()
    assert reader.language == "uk"


def test_switching_to_an_unknown_language_is_refused_with_a_reason(client, reader):
    client.force_login(reader)

    response = client.post("/language/", {"language": "fr", "next": "/"})

    assert response.status_code == 400
    assert response.content.decode() == "Choose one of the languages offered."
    assert COOKIE not in response.cookies
    reader.refresh_from_db()
    assert reader.language == ""


def test_switching_never_redirects_off_the_site(client):
    response = client.post("/language/", {"language": "uk", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_switcher_answers_only_post(client):
    assert client.get("/language/").status_code == 405


def test_account_language_wins_over_the_browser_once_logged_in(english_browser, reader):
    User.objects.filter(pk=reader.pk).update(language="uk")
    english_browser.force_login(reader)

    response = english_browser.get("/")

    assert '<html lang="uk">' in response.content.decode()
    assert response.cookies[COOKIE].value == "uk"


def test_logging_in_applies_the_account_language(english_browser, reader):
    User.objects.filter(pk=reader.pk).update(language="uk")

    response = english_browser.post("/accounts/login/", {"login": reader.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "uk"
    assert '<html lang="uk">' in english_browser.get("/").content.decode()


def test_reader_without_a_chosen_language_keeps_the_browsers(ukrainian_browser, reader):
    ukrainian_browser.force_login(reader)

    response = ukrainian_browser.get("/")

    assert '<html lang="uk">' in response.content.decode()
    assert COOKIE not in response.cookies


def test_profile_offers_the_language_and_saves_it_with_the_cookie(client, reader):
    client.force_login(reader)
    assert 'name="language"' in client.get("/accounts/profile/").content.decode()

    response = client.post("/accounts/profile/", {"display_name": "Alice", "language": "uk"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "uk"
    reader.refresh_from_db()
    assert reader.language == "uk"
    assert "Профіль збережено." in client.get("/accounts/profile/").content.decode()


def test_profile_refuses_an_unknown_language(client, reader):
    client.force_login(reader)

    response = client.post("/accounts/profile/", {"display_name": "Alice", "language": "xx"})

    assert response.status_code == 200
    assert "Select a valid choice. xx is not one of the available choices." in response.content.decode()
    reader.refresh_from_db()
    assert reader.language == ""


def test_signing_up_in_ukrainian_records_the_language_and_verifies_in_ukrainian(ukrainian_browser, mailbox):
    ukrainian_browser.post(
        "/accounts/signup/",
        {"username": "oksana", "email": "oksana@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.get(username="oksana").language == "uk"
    [message] = mailbox
    assert message.subject == "[Tribune] Будь Ласка, Підтвердіть Вашу Адресу Електронної Пошти"


def test_allauth_pages_use_allauths_ukrainian_catalogue(ukrainian_browser):
    html = ukrainian_browser.get("/accounts/signup/").content.decode()

    assert "Зареєструватись" in html
    assert "Пароль (ще раз)" in html


def test_allauth_mail_goes_out_in_the_recipients_language_not_the_requesters(english_browser, mailbox):
    reader = UserFactory(username="taras", language="uk")

    english_browser.post("/accounts/password/reset/", {"email": reader.email})

    [message] = mailbox
    assert message.to == [reader.email]
    assert message.subject == "[Tribune] Лист Для Відновлення Пароля"


def test_admin_uses_djangos_ukrainian_catalogue_and_ours(editor):
    browser = Client(headers={"accept-language": "uk"})
    browser.force_login(editor)

    html = browser.get("/admin/").content.decode()

    assert "Адміністрування Tribune" in html  # ours
    assert "Недавні дії" in html  # Django admin's "Recent actions"


def test_dates_follow_the_locale(ukrainian_browser, client):
    ArticleFactory(published_at=timezone.make_aware(datetime.datetime(2026, 3, 3, 9, 0), datetime.UTC))

    assert "3 березня 2026" in ukrainian_browser.get("/").content.decode()
    assert "3 March 2026" in client.get("/").content.decode()


def test_profile_can_hand_the_choice_back_to_the_browser(ukrainian_browser, reader):
    User.objects.filter(pk=reader.pk).update(language="en")
    ukrainian_browser.force_login(reader)

    response = ukrainian_browser.post("/accounts/profile/", {"display_name": "Alice", "language": ""})

    reader.refresh_from_db()
    assert reader.language == ""
    assert response.cookies[COOKIE].value == ""  # deleted
    assert '<html lang="uk">' in ukrainian_browser.get("/").content.decode()


def test_guests_pages_carry_no_csrf_token_so_the_page_cache_can_share_them(article):
    response = Client().get(article.get_absolute_url())

    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_a_guest_switches_without_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/language/", {"language": "uk", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "uk"


def test_a_logged_in_readers_switch_needs_the_csrf_token(reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)

    response = browser.post("/language/", {"language": "uk", "next": "/"})

    assert response.status_code == 403
    reader.refresh_from_db()
    assert reader.language == ""


def test_a_logged_in_reader_switches_with_the_token_from_the_header(reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    html = browser.get("/").content.decode()
    switcher = html[html.index('<form class="language-switcher"') :]
    token = re.search(r'^[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', switcher)[
        1
    ]

    response = browser.post("/language/", {"language": "uk", "next": "/", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.language == "uk"
