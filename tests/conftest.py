import shutil
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from tests.factories import ArticleFactory, EditorFactory, ModeratorFactory, UserFactory

# The groups (and their permissions, by natural key) that the data migrations made, noted as soon as the test
# database is migrated: a transactional test flushes them, and the browser tests put them back.
MIGRATED_GROUPS: dict[str, list[tuple[str, str]]] = {}


def pytest_addoption(parser):
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        metavar="DAYS",
        help="run the whole session with the clock this many days ahead of the real one (ticking), so that a "
        "test that only passes until some date fails today (make test-future)",
    )


def pytest_configure(config):
    # Started before collection, so what a test module computes at import is shifted too. A test that travels
    # itself (time_machine.travel, the time_machine fixture or marker) nests inside this one.
    days = config.getoption("clock_shift_days")
    if days:
        shift = time_machine.travel(timedelta(days=days), tick=True)
        shift.start()
        config.add_cleanup(shift.stop)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        MIGRATED_GROUPS.update({group.name: [] for group in Group.objects.all()})
        for name, app_label, codename in Group.objects.filter(permissions__isnull=False).values_list(
            "name", "permissions__content_type__app_label", "permissions__codename"
        ):
            MIGRATED_GROUPS[name].append((app_label, codename))


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Give each test its own cache namespace: parallel workers share one Redis in the PostgreSQL pass."""
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    for config in caches.values():
        config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    from forum.comments import prepared
    from forum.page_cache import recent_pages

    recent_pages.clear()  # the pages a process keeps in its own memory, beside the shared cache
    prepared.recent_pages.clear()
    prepared.recent_marks.clear()


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request in Ukrainian leaves Ukrainian active in the thread
    (LocaleMiddleware activates a language and nothing deactivates it)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def rate_limits(request, settings):
    """The site's hard rate limits (forum/limits.py) are off, as tests post faster than any reader may; a
    test marked `rate_limits` has them on, with the defaults of forum/settings.py."""
    settings.RATE_LIMITS_ENABLED = request.node.get_closest_marker("rate_limits") is not None
    return settings.RATE_LIMITS


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 costs a quarter of a second per user made; tests need a hash, not its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reader(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_reader(db):
    return UserFactory(username="bob")


@pytest.fixture
def editor(db):
    return EditorFactory(username="edith")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(username="charlie")


@pytest.fixture
def article(db):
    return ArticleFactory(title="Belarus urges truce", slug="belarus-urges-truce")


@pytest.fixture
def mailbox(settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def pytest_collection_modifyitems(config, items):
    # Browser journeys share one Chromium; keep them on one worker so they do not fight for the two cores.
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_sessionstart(session):
    """The Ukrainian pages are read through compiled catalogues, which are built and never committed: compile
    any that are missing or older than their .po (once, before xdist starts its workers)."""
    if hasattr(session.config, "workerinput"):
        return
    root = Path(__file__).resolve().parent.parent
    stale = [
        po
        for po in (root / "locale").glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if not stale:
        return
    if shutil.which("msgfmt") is None:
        raise pytest.UsageError("The translations need GNU gettext to compile: run `make gettext`.")
    subprocess.run(
        [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v0"],
        cwd=root,
        check=True,
    )
