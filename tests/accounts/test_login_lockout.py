"""allauth locks an account's logins after 5 failures in 5 minutes; Tribune keys those failures on the account
AND the client's address (forum/accounts/adapter.py), so a stranger cannot lock the owner out."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.66"
OWNER = "198.51.100.10"
LOCKED = "Too many failed login attempts. Try again later."


def log_in(address: str, login: str, password: str):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"login": login, "password": password})
    return client, response


def fail_five_times(address: str, login: str) -> None:
    for _attempt in range(5):
        _client, response = log_in(address, login, "wrong password")
        assert LOCKED not in response.content.decode()


def test_failures_from_one_address_do_not_lock_the_owner_out_at_another(reader):
    fail_five_times(STRANGER, reader.username)

    client, response = log_in(OWNER, reader.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_failures_lock_the_account_out_at_their_address(reader):
    fail_five_times(STRANGER, reader.username)

    client, response = log_in(STRANGER, reader.username, PASSWORD)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_is_read_behind_the_trusted_proxy(reader, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _attempt in range(5):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=STRANGER).post(
            "/accounts/login/", {"login": reader.username, "password": "wrong"}
        )

    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    response = owner.post("/accounts/login/", {"login": reader.username, "password": PASSWORD})

    assert response.status_code == 302
