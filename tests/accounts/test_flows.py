import re

import pytest
from allauth.account.models import EmailAddress

from forum.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "olena",
    "email": "olena@example.com",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "display_name": "Olena K.",
}


def verification_link(message) -> str:
    return re.search(r"https?://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_signup_creates_reader_with_display_name_and_sends_verification(client, mailbox):
    response = client.post("/accounts/signup/", SIGNUP)

    user = User.objects.get(username="olena")
    assert response.status_code == 302
    assert user.public_name == "Olena K."
    assert [m.to for m in mailbox] == [["olena@example.com"]]
    assert "/accounts/confirm-email/" in mailbox[0].body


def test_signup_rejects_a_taken_username(client, reader):
    response = client.post("/accounts/signup/", {**SIGNUP, "username": reader.username})

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()


def test_login_is_refused_until_email_is_verified(client, mailbox):
    client.post("/accounts/signup/", SIGNUP)
    client.logout()

    response = client.post("/accounts/login/", {"login": "olena", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_verified_reader_logs_in_with_username_or_email(client, mailbox):
    client.post("/accounts/signup/", SIGNUP)
    client.logout()
    link = verification_link(mailbox[0])
    client.post(link)
    assert EmailAddress.objects.get(email="olena@example.com").verified

    for login in ("olena", "olena@example.com"):
        client.logout()
        response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(username="olena").pk)


def test_wrong_password_gets_a_clear_error(client, reader):
    response = client.post("/accounts/login/", {"login": reader.username, "password": "wrong"})

    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in response.content.decode()


def test_optional_verification_lets_a_new_reader_in_at_once(client, settings, mailbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"

    client.post("/accounts/signup/", SIGNUP)

    assert client.session["_auth_user_id"] == str(User.objects.get(username="olena").pk)


def test_reader_changes_display_name(client, reader):
    client.force_login(reader)

    response = client.post("/accounts/profile/", {"display_name": "  Alice A.  "})

    reader.refresh_from_db()
    assert response.status_code == 302
    assert reader.display_name == "Alice A."


def test_profile_needs_login(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_is_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.username, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})

    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_reset_sends_a_working_link(client, reader, mailbox):
    client.post("/accounts/password/reset/", {"email": reader.email})

    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+/)", mailbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )

    reader.refresh_from_db()
    assert response.status_code == 302
    assert reader.check_password("a-new-long-passphrase")


def test_account_pages_carry_the_site_look(client):
    html = client.get("/accounts/signup/").content.decode()

    assert 'class="site-header"' in html
    assert 'class="account-panel"' in html
    assert 'label for="id_display_name"' in html
