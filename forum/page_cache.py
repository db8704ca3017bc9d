"""Anonymous readers' article pages, cached whole in the shared cache.

Most readers of a big story are anonymous and see the same page, so it is stored once per (article, sort,
page, language) and served as bytes, with an `ETag` (a 304 for a matching `If-None-Match`) and a
`Last-Modified` of the discussion's last change. The entry records the discussion version it was rendered at
(forum.comments.versions); a hit is served only while that is still the current version, so every write, on
any host, retires the pages cached before it. A hit costs two cache reads and no query; a hit on one of
the pages a process served last (PAGE_CACHE_LOCAL_PAGES of them, kept in its memory) costs one small read,
the version, instead of fetching the whole page from the shared cache again.

Only what every anonymous reader shares is cached: a request from a logged-in reader, or from one with
messages waiting, is never served from the cache nor stored, and neither is a response that sets a cookie or
used a CSRF token.

Two middleware serve the pages. AnonymousPageCache, last in MIDDLEWARE, asks the session, locale,
authentication and messages middleware who the reader is; it serves every reader they find anonymous with
nothing waiting, and stores the pages. AnonymousPageFastPath, right after SecurityMiddleware, serves the same
entries before the rest of the stack runs, to the readers whose request alone shows that the normal way would
serve them the cached page (no session cookie, no messages cookie, only the page's parameters): it decides the
language as LocaleMiddleware does and replays the headers that the rest of the stack gave the page when such a
reader got it the normal way (recorded in the entry then; the Content-Security-Policy written anew by each
process, as its CSPMiddleware would), so that what it serves is byte for byte and header for header what the
normal way serves. Whatever it is not sure of goes the normal way.
"""

import hashlib
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import InvalidTokenFormat, _check_token_format
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from articles.models import Article
from forum.comments.versions import discussion_version
from forum.lib.recent import RecentEntries

# The query parameters the page depends on; a request with any other is rendered, not cached.
PAGE_PARAMETERS = {"sort", "page"}
CACHED_VIEWS = {"articles:detail"}


# The pages this process served last (PAGE_CACHE_LOCAL_PAGES), each until its PAGE_CACHE_SECONDS are up. An
# entry is only served while its version is the discussion's current one, which is read from the shared
# cache on every hit, so a write on any host retires it here too.
recent_pages: RecentEntries[dict] = RecentEntries()


def _keep(key: str, entry: dict) -> None:
    recent_pages.put(key, entry, size=settings.PAGE_CACHE_LOCAL_PAGES, seconds=settings.PAGE_CACHE_SECONDS)


def _page_key(request: HttpRequest, slug: str) -> str:
    query = ""
    if request.META.get("QUERY_STRING"):
        query = "&".join(
            f"{name}={request.GET[name]}" for name in sorted(PAGE_PARAMETERS) if name in request.GET
        )
    digest = hashlib.sha256(f"{slug}?{query}".encode()).hexdigest()[:32]
    return f"anonymous-page:{settings.PAGE_CACHE_RELEASE}:{translation.get_language()}:{digest}"


def _current_entry(key: str) -> dict | None:
    """The entry under this key if it was rendered at the discussion's current version: this process's copy
    first, then the shared cache's."""
    entry = recent_pages.get(key)
    if entry is not None and entry["version"] == discussion_version(entry["article_id"]):
        return entry
    entry = cache.get(key)
    if entry is not None and entry["version"] == discussion_version(entry["article_id"]):
        _keep(key, entry)
        return entry
    return None


def _store(key: str, entry: dict) -> None:
    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
    _keep(key, entry)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and set(request.GET) <= PAGE_PARAMETERS
        and not request.user.is_authenticated
        and not _has_messages(request)
    )


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    # Look without marking the messages as seen: the page that renders them does that.
    waiting = list(storage)
    storage.used = False
    return bool(waiting)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def _not_modified(request: HttpRequest, entry: dict) -> bool:
    etag = f'"{entry["etag"]}"'
    return etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]


def _respond(request: HttpRequest, entry: dict) -> HttpResponse:
    if _not_modified(request, entry):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = f'"{entry["etag"]}"'
    response["Last-Modified"] = http_date(entry["version"] / 1e9)
    _vary(response)
    return response


def _vary(response: HttpResponse) -> None:
    # A logged-in reader (the session cookie) and another language get another page.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


def _replay(request: HttpRequest, entry: dict, policies: dict[str, str]) -> HttpResponse:
    """The response the whole stack gave for this entry (its headers as recorded, a policy recorded as None
    being this process's own), or its 304: the same headers without Content-Type and with the Content-Length
    of no body, as CommonMiddleware gives it."""
    headers = [
        (name, policies.get(name) if value is None else value)
        for name, value in entry["headers"]
        if value is not None or policies.get(name)
    ]
    if not _not_modified(request, entry):
        return HttpResponse(entry["content"], headers=dict(headers))
    response = HttpResponseNotModified()
    for name, value in headers:
        lowered = name.lower()
        if lowered != "content-type":
            response[name] = "0" if lowered == "content-length" else value
    return response


class AnonymousPageCache:
    """Middleware for the views named in CACHED_VIEWS (the article page). After the authentication, messages
    and locale middleware, which it asks who the reader is and in which language the page is; last of all, so
    that a page it has just stored leaves through every other middleware, as a hit does."""

    CACHED_VIEWS = CACHED_VIEWS

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or match.view_name not in self.CACHED_VIEWS:
            return response
        _vary(response)
        pending = getattr(request, "_anonymous_page", None)
        if pending is None or not _cacheable_response(request, response):
            return response
        key, article_id, version = pending
        entry = {
            "article_id": article_id,
            "version": version,
            "content": response.content,
            "content_type": response["Content-Type"],
            "etag": hashlib.sha256(response.content).hexdigest()[:32],
        }
        _store(key, entry)
        request._anonymous_page_entry = (key, entry)
        return _respond(request, entry)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.resolver_match.view_name not in self.CACHED_VIEWS or not _cacheable_request(request):
            return None
        slug = view_kwargs["slug"]
        key = _page_key(request, slug)
        entry = _current_entry(key)
        if entry is not None:
            if "headers" not in entry:
                # AnonymousPageFastPath records the headers the whole stack gives it, when it may.
                request._anonymous_page_entry = (key, entry)
            return _respond(request, entry)
        article_id = Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if article_id is not None:
            # Read before the page is rendered: a write committed while it renders bumps the version, so
            # what is stored is never served.
            request._anonymous_page = (key, article_id, discussion_version(article_id))
        return None


# The middleware that AnonymousPageFastPath may skip, each with what it does to the request of an anonymous
# reader with no session or messages cookie and why skipping it changes nothing in the response. One that is
# not named here turns the fast path off: nobody has checked that it may be skipped.
SKIPPABLE_MIDDLEWARE = {
    "csp.middleware.CSPMiddleware": (
        "the same policy on every article page (no nonces): the fast path writes it anew, as this process "
        "writes it"
    ),
    "whitenoise.middleware.WhiteNoiseMiddleware": (
        "serves files under STATIC_URL only (no WHITENOISE_ROOT, checked), never at an article's URL"
    ),
    "django.contrib.sessions.middleware.SessionMiddleware": (
        "without its cookie the session is new, empty and never saved; its Vary is recorded"
    ),
    "django.middleware.locale.LocaleMiddleware": (
        "the fast path decides the language with the same function (no i18n_patterns, checked); "
        "Content-Language and Vary are recorded"
    ),
    "django.middleware.common.CommonMiddleware": (
        "the host is checked as it checks it, PREPEND_WWW and DISALLOWED_USER_AGENTS are off (checked); "
        "Content-Length is recorded"
    ),
    "django.middleware.csrf.CsrfViewMiddleware": (
        "a GET changes nothing; a malformed cookie, which it would replace, goes the normal way"
    ),
    "django.contrib.auth.middleware.AuthenticationMiddleware": "without a session the reader is anonymous",
    "forum.accounts.language.AccountLanguageMiddleware": (
        "only accounts choose a language; its Vary is recorded"
    ),
    "django.contrib.messages.middleware.MessageMiddleware": (
        "with neither its cookie nor a session no message waits (the storages are checked)"
    ),
    "django.middleware.clickjacking.XFrameOptionsMiddleware": "the same header on every page: recorded",
    "django_htmx.middleware.HtmxMiddleware": "reads request headers for views, adds nothing to a response",
    "allauth.account.middleware.AccountMiddleware": "acts on a 404 at /accounts/ only",
    "forum.page_cache.AnonymousPageCache": "the normal way to serve the same entry",
}


def _message_cookie_names() -> set[str] | None:
    """The cookies that may hold an anonymous reader's messages, or None when messages may wait elsewhere."""
    storage = import_string(settings.MESSAGE_STORAGE)
    names = set()
    for backend in getattr(storage, "storage_classes", (storage,)):
        if issubclass(backend, CookieStorage):
            names.add(backend.cookie_name)
        elif not issubclass(backend, SessionStorage):  # the session needs its cookie: none, no messages
            return None
    return names


def _fast_path_refusal() -> str:
    """Why the fast path cannot serve what the normal way would with these settings ("" when it can)."""
    if not settings.PAGE_CACHE_FAST_PATH:
        return "PAGE_CACHE_FAST_PATH is off"
    name = f"{AnonymousPageFastPath.__module__}.{AnonymousPageFastPath.__qualname__}"
    if name not in settings.MIDDLEWARE:
        return f"it is not in MIDDLEWARE as {name}"
    inner = settings.MIDDLEWARE[settings.MIDDLEWARE.index(name) + 1 :]
    unchecked = [middleware for middleware in inner if middleware not in SKIPPABLE_MIDDLEWARE]
    if unchecked:
        return f"it would skip middleware it does not know: {', '.join(unchecked)}"
    if "forum.page_cache.AnonymousPageCache" not in inner:
        return "AnonymousPageCache must come after it"
    if settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS:
        return "CommonMiddleware may redirect or refuse the request (PREPEND_WWW, DISALLOWED_USER_AGENTS)"
    if getattr(settings, "WHITENOISE_ROOT", None):
        return "WhiteNoise may serve files at any URL (WHITENOISE_ROOT)"
    if _message_cookie_names() is None:
        return f"messages may wait where it cannot see them ({settings.MESSAGE_STORAGE})"
    return ""


class AnonymousPageFastPath:
    """Right after SecurityMiddleware (whose redirect to HTTPS and headers, HSTS among them, depend on the
    request and so stay outside): serves a current cached article page to a reader whose request shows that
    they are anonymous with nothing waiting, without the rest of the middleware, the URL resolution of the
    handler, the session or the user. Anything else, or a page whose headers were not recorded yet, goes the
    normal way, which records the headers for the next reader when the request qualified."""

    RESOLVED_PATHS = 1024  # paths whose resolution is remembered, forgotten all at once when full

    def __init__(self, get_response: Callable):
        self.get_response = get_response
        refusal = _fast_path_refusal()
        if refusal:
            raise MiddlewareNotUsed(f"AnonymousPageFastPath is off: {refusal}.")
        self.message_cookies = _message_cookie_names()
        self.resolved: dict[tuple[str, str], str | None] = {}
        # django-csp's policy, as it writes it in this process: it orders the directives by a set, so each
        # process (each gunicorn master, each host) writes them in an order of its own.
        self.policies = {HEADER: build_policy(), HEADER_REPORT_ONLY: build_policy(report_only=True)}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.page_key(request)
        if key is None:
            return self.get_response(request)
        entry = _current_entry(key)
        if entry is not None and "headers" in entry:
            return _replay(request, entry, self.policies)
        response = self.get_response(request)
        handed = getattr(request, "_anonymous_page_entry", None)
        if handed is not None and handed[0] == key:
            entry = handed[1]
            # Only the page itself as every such reader gets it: not a 304, nothing that sets a cookie.
            if (
                response.status_code == 200
                and not response.cookies
                and response.get("ETag") == f'"{entry["etag"]}"'
            ):
                _store(key, {**entry, "headers": self.recorded_headers(response)})
        return response

    def recorded_headers(self, response: HttpResponse) -> list[tuple[str, str | None]]:
        """The response's headers, with None for a policy that is this process's own: the process that
        replays it writes its own (the same directives, maybe in another order), as CSPMiddleware would."""
        return [
            (name, None if value and self.policies.get(name) == value else value)
            for name, value in response.items()
        ]

    def page_key(self, request: HttpRequest) -> str | None:
        """The page's cache key when the request may take the fast path, in the language LocaleMiddleware
        would activate (activated here as it would be), or None."""
        if request.method not in ("GET", "HEAD"):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or not self.message_cookies.isdisjoint(cookies):
            return None
        csrf_cookie = cookies.get(settings.CSRF_COOKIE_NAME)
        if csrf_cookie is not None and not settings.CSRF_USE_SESSIONS:
            try:
                _check_token_format(csrf_cookie)
            except InvalidTokenFormat:
                return None  # CsrfViewMiddleware would set a new cookie
        if request.META.get("QUERY_STRING") and not set(request.GET) <= PAGE_PARAMETERS:
            return None
        try:
            request.get_host()  # CommonMiddleware refuses a host not in ALLOWED_HOSTS
        except DisallowedHost:
            return None
        slug = self.cached_slug(request.path_info)
        if slug is None:
            return None
        translation.activate(translation.get_language_from_request(request))
        return _page_key(request, slug)

    def cached_slug(self, path: str) -> str | None:
        """The article's slug if the URL conf sends this path to a cached view, remembered per path (the
        resolver tries the URL patterns one by one)."""
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        known = self.resolved.get((urlconf, path), False)
        if known is not False:
            return known
        slug = None
        if not is_language_prefix_patterns_used(urlconf)[0]:  # else the language would come from the path
            try:
                match = resolve(path, urlconf)
            except Resolver404:
                match = None
            if match is not None and match.view_name in CACHED_VIEWS:
                slug = match.kwargs["slug"]
        if len(self.resolved) >= self.RESOLVED_PATHS:
            self.resolved.clear()
        self.resolved[(urlconf, path)] = slug
        return slug
