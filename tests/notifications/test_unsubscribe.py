from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from forum.notifications import emails
from forum.notifications.models import EmailMode, Kind, Preference

pytestmark = pytest.mark.django_db


def unsubscribe_path(user, scope) -> str:
    return urlsplit(emails.unsubscribe_url(user.pk, scope)).path


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_link_in_the_email_unsubscribes_in_one_click_without_logging_in(
    post, mailbox, article, reader, other_reader, csrf_client
):
    parent = post(article, reader, "The truce will hold.")
    post(article, other_reader, "I doubt it.", parent=parent)
    link = mailbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    response = csrf_client.post(
        urlsplit(link).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Preference.objects.modes_for(reader)[Kind.REPLY] == EmailMode.OFF


def test_opening_the_link_only_asks_for_confirmation(client, reader):
    response = client.get(unsubscribe_path(reader, Kind.MENTION))

    assert response.status_code == 200
    assert b"Mentions of my username" in response.content
    assert Preference.objects.modes_for(reader)[Kind.MENTION] == EmailMode.IMMEDIATE


def test_unsubscribing_one_kind_leaves_the_others(csrf_client, reader):
    csrf_client.post(unsubscribe_path(reader, Kind.MENTION))

    modes = Preference.objects.modes_for(reader)
    assert modes[Kind.MENTION] == EmailMode.OFF
    assert modes[Kind.REPLY] == EmailMode.IMMEDIATE


def test_digest_link_turns_off_every_digest_kind(csrf_client, reader):
    Preference.objects.set_mode(reader, Kind.REPLY, EmailMode.DIGEST)

    csrf_client.post(unsubscribe_path(reader, emails.DIGEST_SCOPE))

    modes = Preference.objects.modes_for(reader)
    assert (modes[Kind.REPLY], modes[Kind.THREAD], modes[Kind.ARTICLE]) == (EmailMode.OFF,) * 3
    assert modes[Kind.MENTION] == EmailMode.IMMEDIATE


def test_tampered_link_is_refused(csrf_client, reader):
    path = unsubscribe_path(reader, Kind.REPLY)
    tampered = path.replace(path.split("/")[-2], path.split("/")[-2][:-2] + "xx")

    response = csrf_client.post(tampered)

    assert response.status_code == 400
    assert Preference.objects.filter(user=reader).count() == 0


def test_token_for_an_unknown_kind_is_refused(csrf_client, reader):
    token = signing.dumps({"u": reader.pk, "s": "everything"}, salt=emails.UNSUBSCRIBE_SALT)

    response = csrf_client.post(f"/notifications/unsubscribe/{token}/")

    assert response.status_code == 400


def test_token_of_a_deleted_account_is_not_found(csrf_client, reader):
    path = unsubscribe_path(reader, Kind.REPLY)
    reader.delete()

    assert csrf_client.post(path).status_code == 404


def test_unsubscribe_refuses_other_methods(client, reader):
    assert client.put(unsubscribe_path(reader, Kind.REPLY)).status_code == 405
