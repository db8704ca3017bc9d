"""The discussion's comments as HTML: the one function the views call (`render_nodes`), and the shared
fragment of each comment, cached.

A comment's shared part (its meta and body: comments/_comment.html) depends on the comment, on the
placeholder the viewer gets instead of its text ("hidden", "deleted" or none: decided per viewer by
threads.build_nodes before the lookup) and on the language, never on anything else of the viewer: no CSRF
token, no own-comment or moderator controls, no vote state, no messages. It is rendered once and kept in the
shared cache under

    comment-fragment:<release>:<article id>:<discussion version>:<comment id>:<placeholder>:<language>

so every write that changes what the discussion shows (forum/comments/versions.py: a reply, an edit, a hide,
a vote, a delete, an author's new name or staff status, the article edited or closed) retires every fragment
of the article at once, and a new PAGE_CACHE_RELEASE (new templates) every fragment; the old ones are never
asked for again and expire after COMMENTS_FRAGMENT_CACHE_SECONDS (0: no fragment cache). A page asks the
cache once (get_many) for all its rows, renders the misses and stores them once (set_many). While the cache
is down (forum/lib/cache.py fails open) every fragment is rendered.

The nodes (comments/_nodes.html) and the per-viewer parts are Jinja2 templates (the `jinja2` engine,
forum/comments/jinja.py); the page around them stays Django's template language and gets the nodes as one
SafeString.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import engines
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from forum.comments.threads import Discussion
from forum.comments.versions import discussion_version
from forum.comments.viewer import Row, Viewer

NODES_TEMPLATE = "comments/_nodes.html"
SHARED_TEMPLATE = "comments/_comment.html"


def _template(name: str):
    return engines["jinja2"].env.get_template(name)


def fragment_key(article_id: int, version: int, row: Row, language: str) -> str:
    release, kind = settings.PAGE_CACHE_RELEASE, row.node.placeholder or "text"
    return f"comment-fragment:{release}:{article_id}:{version}:{row.comment.pk}:{kind}:{language}"


def render_shared(row: Row) -> str:
    """A comment's shared part, from the comment and its placeholder kind only."""
    return _template(SHARED_TEMPLATE).render(c=row.comment, node=row.node, permalink=row.urls.permalink)


def shared_parts(discussion: Discussion, rows: list[Row]) -> list[SafeString]:
    """The shared part of each row, in order: from the cache where it holds them, rendered (and stored)
    where it does not."""
    timeout = settings.COMMENTS_FRAGMENT_CACHE_SECONDS
    if not timeout or not rows:
        return [mark_safe(render_shared(row)) for row in rows]
    article_id = discussion.article.pk
    version, language = discussion_version(article_id), get_language() or settings.LANGUAGE_CODE
    keys = [fragment_key(article_id, version, row, language) for row in rows]
    found = cache.get_many(keys)
    missing = {}
    parts = []
    for key, row in zip(keys, rows, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = render_shared(row)
        parts.append(mark_safe(html))
    if missing:
        cache.set_many(missing, timeout=timeout)
    return parts


def csrf_context(request: HttpRequest) -> dict:
    """The CSRF token and field, made once per page and only if a form of the page prints them (an anonymous
    page has none, so it sets no CSRF cookie and stays cacheable)."""
    token = SimpleLazyObject(lambda: get_token(request))
    field = SimpleLazyObject(
        lambda: format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    )
    return {"csrf_token": token, "csrf_input": field}


def focus_url(discussion: Discussion) -> str:
    """The page of the comment in focus, to which a moderator's forms bring them back; "" elsewhere."""
    if discussion.focus is None:
        return ""
    return reverse("comments:permalink", kwargs={"slug": discussion.article.slug, "pk": discussion.focus.pk})


def nodes_context(request: HttpRequest, discussion: Discussion, viewer: Viewer) -> dict:
    """What comments/_nodes.html is given: the discussion, the viewer, the shared parts, the CSRF field."""
    return {
        "request": request,
        "discussion": discussion,
        "viewer": viewer,
        "shared": shared_parts(discussion, viewer.rows),
        "focus_url": focus_url(discussion),
        **csrf_context(request),
    }


def render_nodes(request: HttpRequest, discussion: Discussion, viewer: Viewer) -> SafeString:
    """The discussion's comments as this viewer sees them: the shared fragments and the viewer's parts."""
    return mark_safe(_template(NODES_TEMPLATE).render(nodes_context(request, discussion, viewer)))
