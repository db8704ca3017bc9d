"""forum/accounts/names.py: names that cannot pass for someone else's, in every form that sets one."""

import pytest

from forum.accounts.models import User
from forum.accounts.names import (
    INVISIBLE_MESSAGE,
    LOOK_ALIKE_MESSAGE,
    STAFF_LOOK_ALIKE_MESSAGE,
    has_invisible_characters,
    name_key,
)
from tests.factories import PASSWORD, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

CYRILLIC_A = "\u0430"
LOOK_ALIKE = f"Mo Moder{CYRILLIC_A}tor"  # "Mo Moderаtor": looks exactly like "Mo Moderator"
SIGNUP = {
    "username": "olena",
    "email": "olena@example.com",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "display_name": "Olena K.",
}


@pytest.fixture
def mo(db):
    return ModeratorFactory(username="mo", display_name="Mo Moderator")


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


def test_a_cyrillic_look_alike_has_the_same_key():
    assert LOOK_ALIKE != "Mo Moderator"
    assert name_key(LOOK_ALIKE) == name_key("Mo Moderator")


@pytest.mark.parametrize(
    "variant",
    [
        "mo moderator",
        "MO MODERATOR",
        "Mo  Moderator",
        "Ｍｏ Ｍｏｄｅｒａｔｏｒ",
        "M\u043e M\u043ederator",
        "Mo Moderat0r",
    ],
)
def test_case_spacing_width_and_confusable_letters_do_not_change_the_key(variant):
    assert name_key(variant) == name_key("Mo Moderator")


def test_different_names_have_different_keys():
    assert name_key("Mo Moderator") != name_key("Mo Mediator")


@pytest.mark.parametrize(
    "name",
    [
        "Mo\u200bModerator",  # zero-width space
        "Mo\u200dModerator",  # zero-width joiner
        "Mo\ufeffModerator",  # zero-width no-break space
        "Mo\u2060Moderator",  # word joiner
        "\u202eMo Moderator",  # right-to-left override
        "Mo\u2066Moderator\u2069",  # left-to-right isolate
        "Mo\u200fModerator",  # right-to-left mark
        "Mo\u3164Moderator",  # Hangul filler, a letter that shows nothing
    ],
)
def test_invisible_and_direction_characters_are_spotted(name):
    assert has_invisible_characters(name)


@pytest.mark.parametrize(
    "name", ["Olena Kovalenko", "Олена Коваленко", "José Núñez", "李小龍", "O'Brien-Smith"]
)
def test_ordinary_names_in_any_script_are_fine(name):
    assert not has_invisible_characters(name)


def test_saving_an_account_keeps_the_keys_of_both_names():
    user = UserFactory(username="olena", display_name="Olena K.")

    user.display_name = "Olena Kovalenko"
    user.save(update_fields=["display_name"])

    user.refresh_from_db()
    assert (user.username_key, user.display_name_key) == (name_key("olena"), name_key("Olena Kovalenko"))


def test_signup_refuses_a_display_name_that_looks_like_staff(client, mo):
    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": LOOK_ALIKE})

    assert response.status_code == 200
    assert errors_of(response, "display_name") == [STAFF_LOOK_ALIKE_MESSAGE]
    assert not User.objects.filter(username="olena").exists()


def test_signup_refuses_a_username_that_looks_like_a_staff_username(client, mo):
    response = client.post("/accounts/signup/", {**SIGNUP, "username": "m\u043e"})  # Cyrillic о

    assert errors_of(response, "username") == [STAFF_LOOK_ALIKE_MESSAGE]
    assert not User.objects.filter(email="olena@example.com").exists()


def test_signup_refuses_a_username_that_looks_like_a_readers_display_name(client):
    UserFactory(username="reader7", display_name="Olena")

    response = client.post("/accounts/signup/", {**SIGNUP, "username": "Ol\u0435na"})  # Cyrillic е

    assert errors_of(response, "username") == [LOOK_ALIKE_MESSAGE]


def test_signup_refuses_invisible_characters_in_a_display_name(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": "Olena\u200b K."})

    assert errors_of(response, "display_name") == [INVISIBLE_MESSAGE]
    assert not User.objects.filter(username="olena").exists()


def test_signup_with_a_name_of_ones_own_is_accepted(client, mo):
    response = client.post("/accounts/signup/", {**SIGNUP, "display_name": "Olena"})

    assert response.status_code == 302
    assert User.objects.get(username="olena").display_name_key == name_key("Olena")


def test_profile_refuses_a_display_name_that_looks_like_staff(client, reader, mo):
    client.force_login(reader)

    response = client.post("/accounts/profile/", {"display_name": LOOK_ALIKE})

    reader.refresh_from_db()
    assert errors_of(response, "display_name") == [STAFF_LOOK_ALIKE_MESSAGE]
    assert reader.display_name == "Alice"


def test_profile_refuses_a_display_name_with_a_direction_override(client, reader):
    client.force_login(reader)

    response = client.post("/accounts/profile/", {"display_name": "\u202eecilA"})

    assert errors_of(response, "display_name") == [INVISIBLE_MESSAGE]


def test_profile_accepts_ones_own_username_and_current_name(client, reader):
    client.force_login(reader)

    first = client.post("/accounts/profile/", {"display_name": "ALICE"})
    second = client.post("/accounts/profile/", {"display_name": "ALICE"})

    reader.refresh_from_db()
    assert (first.status_code, second.status_code, reader.display_name) == (302, 302, "ALICE")


def test_admin_refuses_a_look_alike_display_name(client, reader, mo):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{reader.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in page.context["adminform"].form.fields and value is not None
    }
    data.update(
        display_name=LOOK_ALIKE,
        date_joined_0="2026-01-01",
        date_joined_1="10:00:00",
        groups=[],
        user_permissions=[],
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)

    response = client.post(f"/admin/accounts/user/{reader.pk}/change/", data)

    reader.refresh_from_db()
    assert response.context["adminform"].form.errors["display_name"] == [STAFF_LOOK_ALIKE_MESSAGE]
    assert reader.display_name == "Alice"


def test_admin_refuses_a_new_account_with_a_look_alike_username(client, mo):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "m\u043e", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )

    assert response.context["adminform"].form.errors["username"] == [STAFF_LOOK_ALIKE_MESSAGE]
    assert not User.objects.filter(username="m\u043e").exists()
