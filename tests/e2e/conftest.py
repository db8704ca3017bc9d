"""Browser journeys: Playwright drives Debian's chromium against pytest-django's live server."""

import os

import pytest

from tests.conftest import MIGRATED_GROUPS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are
# ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is not at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def restore_migrated_groups(transactional_db):
    """The live server only sees committed data, so browser tests are transactional, and the database is
    flushed after each of them (and after any other transactional test on this worker): content types and
    permissions come back (post_migrate), the groups that data migrations made do not. Put them back."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for name, permissions in MIGRATED_GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created and permissions:
            wanted = Q(pk__in=[])
            for app_label, codename in permissions:
                wanted |= Q(content_type__app_label=app_label, codename=codename)
            group.permissions.set(Permission.objects.filter(wanted))


def new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


@pytest.fixture(autouse=True)
def browsers_type_fast(settings):
    """A browser driven by a test sends a form within milliseconds; the spam check would hold such comments
    as automated (forum/spam: SPAM_MIN_SECONDS)."""
    settings.SPAM_MIN_SECONDS = 0


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def page_without_js(browser, live_server):
    """A reader whose browser runs no JavaScript: plain forms and links must do everything."""
    page = new_page(browser, live_server, java_script_enabled=False)
    yield page
    page.context.close()


def log_in(page, user, password):
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def login(page):
    return lambda user, password: log_in(page, user, password)


@pytest.fixture
def sign_in(page, live_server):
    """Log a user in through a session cookie, for journeys that are not about the login form."""
    from django.conf import settings
    from django.test import Client

    def sign_in_as(user):
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        page.context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
        )

    return sign_in_as
