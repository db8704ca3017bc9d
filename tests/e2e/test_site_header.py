"""The site header fits: one line on a 1280-pixel screen and at most two at 390 pixels, for every role with
all its links (and a long name); and the site's icon is served."""

import pytest

from forum.comments.models import Comment
from forum.notifications.models import Kind, Notification
from tests.factories import CommentFactory, EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The header's parts, and the rows they sit on (parts whose boxes overlap vertically share a row).
HEADER_ROWS_JS = """() => {
  const parts = [document.querySelector(".site-name"), ...document.querySelectorAll(".site-nav li")];
  const boxes = parts.map((part) => part.getBoundingClientRect()).filter((box) => box.width > 0);
  boxes.sort((a, b) => a.top - b.top);
  const rows = [];
  for (const box of boxes) {
    const row = rows[rows.length - 1];
    if (row && box.top < row.bottom - 2) row.bottom = Math.max(row.bottom, box.bottom);
    else rows.push({ top: box.top, bottom: box.bottom });
  }
  const header = document.querySelector(".site-header");
  return {
    rows: rows.length,
    links: parts.length,
    height: header.getBoundingClientRect().height,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""

LONG_NAME = "Maria-Magdalena Wiśniewska-Kowalczyk von Oberhausen"[:50]


def make_user(role: str):
    if role == "reader":
        return UserFactory(display_name=LONG_NAME)
    if role == "moderator":
        return ModeratorFactory(display_name=LONG_NAME)
    if role == "editor":
        return EditorFactory(display_name=LONG_NAME)
    return UserFactory(display_name=LONG_NAME, is_staff=True, is_superuser=True)


def give_unread_notifications(user, count: int) -> None:
    for _ in range(count):
        Notification.objects.create(
            recipient=user, kind=Kind.REPLY, comment=CommentFactory(status=Comment.Status.PUBLISHED)
        )


# Every link a role gets: anonymous Articles, Log in, Sign up; a reader Notifications (with a count), their
# name and Log out; moderators and superusers Moderation and Admin too; editors Admin.
ROLES = {"anonymous": 3, "reader": 4, "editor": 5, "moderator": 6, "staff": 6}


@pytest.mark.parametrize(("width", "most_rows"), [(1280, 1), (390, 2)])
@pytest.mark.parametrize("role", list(ROLES))
def test_the_header_fits(sign_in_as, role, width, most_rows):
    page = sign_in_as(None if role == "anonymous" else make_user(role), width)

    page.goto("/")
    measured = page.evaluate(HEADER_ROWS_JS)

    assert measured["links"] == 1 + ROLES[role], f"{role} sees {measured['links'] - 1} links"
    assert measured["rows"] <= most_rows, f"{role} at {width}px: {measured}"
    assert measured["overflow"] <= 0, f"the page scrolls sideways at {width}px: {measured}"
    assert measured["height"] <= 48 * most_rows + 24, f"{role} at {width}px: {measured}"


@pytest.fixture
def sign_in_as(browser, live_server):
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(user, width: int):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 800}
        )
        contexts.append(context)
        if user is not None:
            give_unread_notifications(user, 12)
            client = Client()
            client.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_the_icon_is_served(page):
    page.goto("/")
    href = page.locator('link[rel="icon"]').get_attribute("href")

    icon = page.request.get(href)
    legacy = page.request.get("/favicon.ico")

    assert (icon.status, icon.headers["content-type"]) == (200, "image/svg+xml")
    assert icon.body().startswith(b"<svg")
    assert (legacy.status, legacy.url.endswith(href)) == (200, True)
