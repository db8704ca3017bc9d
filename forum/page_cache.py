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
"""

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from articles.models import Article
from forum.comments.versions import discussion_version

# The query parameters the page depends on; a request with any other is rendered, not cached.
PAGE_PARAMETERS = {"sort", "page"}


class RecentPages:
    """The pages this process served last, by key, each until its PAGE_CACHE_SECONDS are up. An entry is
    only served while its version is the discussion's current one, which is read from the shared cache on
    every hit, so a write on any host retires it here too."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, entry = found
            if expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        size, seconds = settings.PAGE_CACHE_LOCAL_PAGES, settings.PAGE_CACHE_SECONDS
        if size <= 0 or seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, entry)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


recent_pages = RecentPages()


def _page_key(request: HttpRequest, slug: str) -> str:
    query = "&".join(f"{name}={request.GET[name]}" for name in sorted(PAGE_PARAMETERS) if name in request.GET)
    digest = hashlib.sha256(f"{slug}?{query}".encode()).hexdigest()[:32]
    return f"anonymous-page:{settings.PAGE_CACHE_RELEASE}:{get_language()}:{digest}"


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


def _respond(request: HttpRequest, entry: dict) -> HttpResponse:
    etag = f'"{entry["etag"]}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry["version"] / 1e9)
    _vary(response)
    return response


def _vary(response: HttpResponse) -> None:
    # A logged-in reader (the session cookie) and another language get another page.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


class AnonymousPageCache:
    """Middleware for the views named in CACHED_VIEWS (the article page). After the authentication, messages
    and locale middleware, which it asks who the reader is and in which language the page is."""

    CACHED_VIEWS = {"articles:detail"}

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
        cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        recent_pages.put(key, entry)
        return _respond(request, entry)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.resolver_match.view_name not in self.CACHED_VIEWS or not _cacheable_request(request):
            return None
        slug = view_kwargs["slug"]
        key = _page_key(request, slug)
        entry = recent_pages.get(key)
        if entry is not None and entry["version"] == discussion_version(entry["article_id"]):
            return _respond(request, entry)
        entry = cache.get(key)
        if entry is not None and entry["version"] == discussion_version(entry["article_id"]):
            recent_pages.put(key, entry)
            return _respond(request, entry)
        article_id = Article.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if article_id is not None:
            # Read before the page is rendered: a write committed while it renders bumps the version, so
            # what is stored is never served.
            request._anonymous_page = (key, article_id, discussion_version(article_id))
        return None
