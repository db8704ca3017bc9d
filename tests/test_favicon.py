import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from forum.views import FAVICON

pytestmark = pytest.mark.django_db


def linked_icons(client, path: str = "/") -> list[str]:
    page = client.get(path).content.decode()
    return re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_link_the_svg_icon(client, path):
    assert linked_icons(client, path) == [static(FAVICON)]


def test_the_icon_is_a_static_svg():
    found = finders.find(FAVICON)

    assert found is not None, f"{FAVICON} is not among the static files"
    assert Path(found).read_text().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_favicon_ico_leads_to_the_linked_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert [response["Location"]] == linked_icons(client)


def test_favicon_ico_refuses_post(client):
    assert client.post("/favicon.ico").status_code == 405
