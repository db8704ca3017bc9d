"""The anonymous page's fast path (forum/page_cache.py, AnonymousPageFastPath): a reader whose request shows
they are anonymous with nothing waiting gets the cached page before the rest of the middleware runs, and gets
exactly what the normal way serves: the same status, headers in the same order, and bytes. Everything else
goes the normal way."""

import pytest
from django.conf import settings as django_settings
from django.contrib.messages.storage.base import BaseStorage
from django.core.exceptions import MiddlewareNotUsed
from django.test import Client

from forum import page_cache
from forum.comments import posting
from forum.comments.versions import discussion_changed
from forum.page_cache import AnonymousPageFastPath
from tests.factories import PASSWORD, CommentFactory

pytestmark = pytest.mark.django_db

CSRF_COOKIE = "a" * 32  # a well-formed secret, as CsrfViewMiddleware sets it


@pytest.fixture
def page(article):
    return article.get_absolute_url()


@pytest.fixture
def comment(article, reader):
    return CommentFactory(article=article, author=reader, body="The truce will hold.")


def took_fast_path(response) -> bool:
    # The session middleware, which the fast path skips, gives every request it sees a session.
    return not hasattr(response.wsgi_request, "session")


def served(response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.items()), response.content


def the_normal_way(settings, method: str, path: str, **options):
    """The response of the whole stack, with the fast path off (a new client loads the middleware anew)."""
    settings.PAGE_CACHE_FAST_PATH = False
    try:
        return getattr(Client(), method)(path, **options)
    finally:
        settings.PAGE_CACHE_FAST_PATH = True


def ukrainian(page):
    return {"path": page, "headers": {"Accept-Language": "uk-UA,uk;q=0.9"}}


def english_browser(page):
    return {"path": page, "headers": {"Accept-Language": "en-GB,en;q=0.8,uk;q=0.5"}}


def language_cookie(page):
    return {"path": page, "cookies": {django_settings.LANGUAGE_COOKIE_NAME: "uk"}}


def unsupported_language_cookie(page):
    return {"path": page, "cookies": {django_settings.LANGUAGE_COOKIE_NAME: "xx"}}


def csrf_cookie(page):
    return {"path": page, "cookies": {django_settings.CSRF_COOKIE_NAME: CSRF_COOKIE}}


def sorted_page(page):
    return {"path": f"{page}?sort=newest&page=1"}


def plain(page):
    return {"path": page}


def request_options(case) -> dict:
    options = {key: value for key, value in case.items() if key not in ("path", "cookies")}
    if "cookies" in case:
        options["headers"] = {
            **options.get("headers", {}),
            "Cookie": "; ".join(f"{name}={value}" for name, value in case["cookies"].items()),
        }
    return options


READERS = [
    plain,
    ukrainian,
    english_browser,
    language_cookie,
    unsupported_language_cookie,
    csrf_cookie,
    sorted_page,
]


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("reader_request", READERS)
def test_the_fast_path_serves_what_the_normal_way_serves(page, comment, settings, method, reader_request):
    case = reader_request(page)
    options = request_options(case)
    Client().get(case["path"], **options)  # rendered and stored the normal way, with its headers

    fast = getattr(Client(), method)(case["path"], **options)
    normal = the_normal_way(settings, method, case["path"], **options)

    assert took_fast_path(fast) and not took_fast_path(normal)
    assert served(fast) == served(normal)


@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("reader_request", [plain, ukrainian])
def test_a_matching_etag_gets_the_same_304_from_the_fast_path(
    page, comment, settings, method, reader_request
):
    case = reader_request(page)
    options = request_options(case)
    etag = Client().get(case["path"], **options)["ETag"]
    options["headers"] = {**options.get("headers", {}), "If-None-Match": f'"older", {etag}'}

    fast = getattr(Client(), method)(case["path"], **options)
    normal = the_normal_way(settings, method, case["path"], **options)

    assert took_fast_path(fast)
    assert fast.status_code == 304 and "Content-Type" not in fast
    assert served(fast) == served(normal)


def test_a_stale_etag_gets_the_page_from_the_fast_path(page, comment, settings):
    Client().get(page)

    fast = Client().get(page, headers={"If-None-Match": '"not-the-page"'})

    assert took_fast_path(fast)
    assert served(fast) == served(the_normal_way(settings, "get", page, headers={"If-None-Match": '"x"'}))


def test_the_page_that_was_just_stored_leaves_with_the_headers_of_a_hit(page, comment, settings):
    stored = the_normal_way(settings, "get", page)

    hit = the_normal_way(settings, "get", page)

    assert served(stored) == served(hit)
    assert hit["X-Frame-Options"] == "DENY"


def test_the_fast_path_carries_the_policy_and_security_headers(page, comment):
    Client().get(page)

    fast = Client().get(page)

    assert took_fast_path(fast)
    assert "frame-ancestors 'none'" in fast["Content-Security-Policy"]
    assert (fast["X-Frame-Options"], fast["X-Content-Type-Options"], fast["Content-Language"]) == (
        "DENY",
        "nosniff",
        "en",
    )
    assert fast["Vary"] == "Cookie, Accept-Language"


@pytest.mark.parametrize("policy", [{"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["data:"]}}, None])
def test_the_fast_path_writes_the_policy_as_this_process_does(page, comment, settings, policy):
    # django-csp orders the directives by a set: another process (another host) writes them in another order,
    # so a recorded policy is written anew by the process that replays it, as its CSPMiddleware would.
    recorded = Client().get(page)["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = policy

    fast = Client().get(page)
    normal = the_normal_way(settings, "get", page)

    assert took_fast_path(fast)
    assert fast.get("Content-Security-Policy") != recorded
    assert served(fast) == served(normal)


def test_over_https_the_fast_path_gets_hsts_as_the_normal_way_does(page, comment, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    Client().get(page, secure=True)

    fast = Client().get(page, secure=True)
    normal = the_normal_way(settings, "get", page, secure=True)

    assert took_fast_path(fast)
    assert fast["Strict-Transport-Security"] == "max-age=3600; includeSubDomains; preload"
    assert served(fast) == served(normal)


def test_plain_http_is_still_redirected_to_https(page, comment, settings):
    Client().get(page)
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get(page)

    assert (response.status_code, response["Location"]) == (301, f"https://testserver{page}")


def test_a_ukrainian_reader_gets_the_ukrainian_page_and_an_english_one_the_english(page, comment):
    Client().get(page, headers={"Accept-Language": "uk"})
    Client().get(page, headers={"Accept-Language": "en"})

    ukrainian_page = Client().get(page, headers={"Accept-Language": "uk"})
    english_page = Client().get(page, headers={"Accept-Language": "en"})
    cookie_page = Client(headers={"Cookie": f"{django_settings.LANGUAGE_COOKIE_NAME}=uk"}).get(
        page, headers={"Accept-Language": "en"}
    )

    assert all(map(took_fast_path, (ukrainian_page, english_page, cookie_page)))
    assert '<html lang="uk">' in ukrainian_page.content.decode()
    assert '<html lang="en">' in english_page.content.decode()
    assert cookie_page.content == ukrainian_page.content


def test_a_write_retires_the_page_on_the_fast_path_too(page, article, comment, other_reader):
    Client().get(page)
    Client().get(page)

    posting.post_comment(article=article, author=other_reader, body="A new voice.", parent=comment)
    after = Client().get(page)

    assert not took_fast_path(after)  # rendered again, the normal way
    assert "A new voice." in after.content.decode()
    assert took_fast_path(Client().get(page))


def test_a_page_stored_without_headers_goes_the_normal_way_once_then_takes_the_fast_path(page, comment):
    # A reader whose session holds something but who is not logged in: the page is stored, the headers of
    # the response are not recorded (the request does not show that every such reader would get them).
    with_session = Client()
    session = with_session.session
    session["seen"] = True
    session.save()
    with_session.get(page)

    first = Client().get(page)
    second = Client().get(page)

    assert (took_fast_path(first), took_fast_path(second)) == (False, True)
    assert first.content == second.content


def test_a_304_when_the_page_is_stored_records_no_headers(page, comment, article):
    etag = Client().get(page)["ETag"]
    discussion_changed(article.pk)  # the same bytes at a new version

    not_modified = Client().get(page, headers={"If-None-Match": etag})
    after = Client().get(page)

    assert not_modified.status_code == 304 and not took_fast_path(not_modified)
    assert after.status_code == 200 and not took_fast_path(after)
    assert took_fast_path(Client().get(page))


def test_a_session_cookie_goes_the_normal_way(page, comment):
    Client().get(page)
    reader = Client()
    session = reader.session
    session["seen"] = True
    session.save()

    response = reader.get(page)

    assert not took_fast_path(response)
    assert "Log in to comment" in response.content.decode()


def test_an_empty_session_cookie_goes_the_normal_way_which_deletes_it(page, comment):
    Client().get(page)

    response = Client(headers={"Cookie": f"{django_settings.SESSION_COOKIE_NAME}="}).get(page)

    assert not took_fast_path(response)
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 0


def test_messages_kept_in_the_session_are_shown_the_normal_way(page, comment, reader, settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    browser = Client()
    browser.get(page)
    browser.get(page)
    browser.post("/accounts/login/", {"login": reader.username, "password": PASSWORD})
    browser.post("/accounts/logout/")  # a new, anonymous session holds the message

    response = browser.get(page)

    assert not took_fast_path(response)
    assert "You have signed out." in response.content.decode()
    assert "Log in to comment" in response.content.decode()


def test_a_messages_cookie_goes_the_normal_way(page, comment):
    Client().get(page)

    response = Client(headers={"Cookie": "messages=not-a-signed-value"}).get(page)

    assert not took_fast_path(response)
    assert response.status_code == 200


def test_a_malformed_csrf_cookie_goes_the_normal_way_which_replaces_it(page, comment):
    Client().get(page)

    response = Client(headers={"Cookie": f"{django_settings.CSRF_COOKIE_NAME}=short"}).get(page)

    assert not took_fast_path(response)
    assert len(response.cookies[django_settings.CSRF_COOKIE_NAME].value) == 32


def test_other_query_parameters_go_the_normal_way(page, comment):
    Client().get(f"{page}?utm_source=feed")

    response = Client().get(f"{page}?utm_source=feed")

    assert not took_fast_path(response)
    assert "The truce will hold." in response.content.decode()


def test_a_post_goes_the_normal_way(page, comment):
    Client().get(page)

    response = Client().post(page)

    assert not took_fast_path(response)
    assert response.status_code == 405


def test_a_host_not_allowed_goes_the_normal_way(page, comment):
    Client().get(page)

    response = Client(HTTP_HOST="evil.example").get(page)

    assert not took_fast_path(response)
    assert response.status_code == 400


def test_the_feed_is_not_taken_for_an_article(client, comment):
    # /articles/feed/ has the shape of an article's URL; the URL conf sends it to the feed first.
    client.get("/articles/feed/")

    response = client.get("/articles/feed/")

    assert not took_fast_path(response)
    assert response["Content-Type"].startswith("application/atom+xml")


def test_a_missing_article_goes_the_normal_way(client):
    response = client.get("/articles/no-such-article/")

    assert not took_fast_path(response)
    assert response.status_code == 404


def test_after_logging_out_the_reader_goes_the_normal_way_until_the_message_is_read(page, comment, reader):
    browser = Client()
    browser.get(page)
    browser.post("/accounts/login/", {"login": reader.username, "password": PASSWORD})
    logged_in = browser.get(page)
    browser.post("/accounts/logout/")

    signed_out = browser.get(page)
    for name in [name for name, morsel in browser.cookies.items() if not morsel.value]:
        del browser.cookies[name]  # a browser drops the cookies the site deleted
    later = browser.get(page)

    assert not took_fast_path(logged_in) and "Post comment" in logged_in.content.decode()
    assert not took_fast_path(signed_out) and "You have signed out." in signed_out.content.decode()
    assert took_fast_path(later)
    assert "You have signed out." not in later.content.decode()
    assert "Log in to comment" in later.content.decode()


def test_the_site_runs_with_the_fast_path():
    AnonymousPageFastPath(lambda request: None)  # raises MiddlewareNotUsed when it is off


def test_the_fast_path_is_off_when_turned_off(settings):
    settings.PAGE_CACHE_FAST_PATH = False

    with pytest.raises(MiddlewareNotUsed, match="PAGE_CACHE_FAST_PATH"):
        AnonymousPageFastPath(lambda request: None)


def test_the_fast_path_is_off_when_it_would_skip_a_middleware_nobody_checked(settings, page, comment):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_page_cache_fast_path.StampingMiddleware"]
    Client().get(page)

    response = Client().get(page)

    assert not took_fast_path(response)
    assert response["X-Stamp"] == "stamped"


def test_the_fast_path_is_off_when_messages_may_wait_where_it_cannot_see(settings):
    settings.MESSAGE_STORAGE = "tests.test_page_cache_fast_path.ElsewhereStorage"

    with pytest.raises(MiddlewareNotUsed, match="messages"):
        AnonymousPageFastPath(lambda request: None)


def test_the_fast_path_is_off_when_common_middleware_may_redirect(settings):
    settings.PREPEND_WWW = True

    with pytest.raises(MiddlewareNotUsed, match="PREPEND_WWW"):
        AnonymousPageFastPath(lambda request: None)


def test_paths_are_resolved_once_and_forgotten_when_too_many(monkeypatch, page, comment):
    monkeypatch.setattr(AnonymousPageFastPath, "RESOLVED_PATHS", 2)
    resolved = []
    resolve = page_cache.resolve
    monkeypatch.setattr(
        page_cache, "resolve", lambda path, urlconf: resolved.append(path) or resolve(path, urlconf)
    )
    browser = Client()

    for path in (page, page, "/", "/privacy/", page):
        browser.get(path)

    assert resolved == [page, "/", "/privacy/", page]


class StampingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Stamp"] = "stamped"
        return response


class ElsewhereStorage(BaseStorage):
    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []
