"""/privacy/: what is stored, why and for how long, with the site's real settings."""

import pytest

pytestmark = pytest.mark.django_db


def test_privacy_page_gives_the_retention_from_the_settings(client, settings):
    settings.PRIVACY_RETENTION_DAYS = 45

    html = client.get("/privacy/").content.decode()

    assert "<h1>What we store about you</h1>" in html
    assert "deleted after 45 days" in html
    assert "We never store your IP address." in html


def test_privacy_page_says_what_deletion_does_with_the_text(client, settings):
    settings.ACCOUNT_DELETION_KEEPS_TEXT = False
    removed = client.get("/privacy/").content.decode()
    settings.ACCOUNT_DELETION_KEEPS_TEXT = True
    kept = client.get("/privacy/").content.decode()

    assert "with their text removed" in removed and "with their text removed" not in kept
    assert "with their text, signed" in kept


def test_privacy_page_mentions_akismet_only_when_it_is_used(client, settings):
    settings.AKISMET_API_KEY = ""
    without = client.get("/privacy/").content.decode()
    settings.AKISMET_API_KEY = "key"
    with_akismet = client.get("/privacy/").content.decode()

    assert "Akismet" not in without
    assert "Your IP address is never sent." in with_akismet


@pytest.mark.parametrize("page", ["/", "/accounts/signup/"])
def test_footer_and_signup_link_to_the_privacy_page(client, page):
    html = client.get(page).content.decode()

    assert 'href="/privacy/"' in html


def test_signup_page_says_what_is_stored(client):
    html = client.get("/accounts/signup/").content.decode()

    assert '<p class="privacy-note"><a href="/privacy/">What we store about you</a>' in html
