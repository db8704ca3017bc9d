"""The discussion's comments as HTML: the one function the views call (`render_nodes`), and the shared
fragment of each comment, cached.

A comment's shared part (its meta and body: comments/_comment.html) depends on the comment, on the
placeholder the viewer gets instead of its text ("hidden", "deleted" or none: decided per viewer by
threads.build_nodes before the lookup) and on the language, never on anything else of the viewer: no CSRF
token, no own-comment or moderator controls, no vote state, no messages. It is rendered once and kept in the
shared cache under a key made of everything it shows:

    comment-fragment:<release>:<comment id>:<placeholder>:<language>:<digest>

where the digest covers the text, the author's name and staff badge, the status, the edit marks, the
posting time as shown and the permalink. An edit, a hide, a delete, an author's new name or staff status,
an article's new address each make another key, so no stale fragment can be served, and a write retires only
the fragments it changed: a new reply leaves every other comment's fragment in place. A new
PAGE_CACHE_RELEASE (new templates) retires every fragment; unused ones expire after
COMMENTS_FRAGMENT_CACHE_SECONDS (0: no fragment cache). A page asks the cache once (get_many) for all its
rows, renders the misses and stores them once (set_many). While the cache is down (forum/lib/cache.py fails
open) every fragment is rendered.

Around each shared part, the node's structure (its <li> and <article>, reply slot, "Continue this thread",
its replies' list and "Show N more replies": comments/_node.html) is the same for every reader of the page's
audience too: with the shared parts it is the page's skeleton (build_skeleton), and the viewer's parts
(their actions and moderation notes: comments/_viewer_part.html) go between its pieces. A page of threads
kept for its audience (prepared.py) keeps its skeleton, the parts any reader of a kind gets
(rows_for_all) and an anonymous reader's whole nodes with it: a reader of such a page renders only the rows
that are their own (viewer.marked), an anonymous reader nothing.

The nodes and the per-viewer parts are Jinja2 templates (the `jinja2` engine, forum/comments/jinja.py); the
page around them stays Django's template language and gets the nodes as one SafeString.
"""

import hashlib
import secrets
from dataclasses import dataclass

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

from forum.comments.jinja import translator
from forum.comments.nodes import Node
from forum.comments.prepared import PreparedPage
from forum.comments.threads import Discussion
from forum.comments.viewer import CommentLinks, Viewer

NODE_TEMPLATE = "comments/_node.html"
PART_TEMPLATE = "comments/_viewer_part.html"
SHARED_TEMPLATE = "comments/_comment.html"


def _template(name: str):
    return engines["jinja2"].env.get_template(name)


def fragment_key(node: Node, permalink: str, language: str) -> str:
    comment, kind = node.comment, node.placeholder or "text"
    shown = (
        comment.status,
        comment.display_author,
        comment.by_staff,
        comment.by_deleted_account,
        comment.edited_at,
        comment.edited_by_moderator,
        node.when,
        permalink,
        comment.body_html if not node.placeholder else "",
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"comment-fragment:{settings.PAGE_CACHE_RELEASE}:{comment.pk}:{kind}:{language}:{digest}"


def render_shared(node: Node, links: CommentLinks) -> str:
    """A comment's shared part, from the comment and its placeholder kind only."""
    comment = node.comment
    return _template(SHARED_TEMPLATE).render(c=comment, node=node, permalink=links.permalink(comment.pk))


def shared_parts(discussion: Discussion, links: CommentLinks) -> list[SafeString]:
    """The shared part of each node, in order: from the cache where it holds them, rendered (and stored)
    where it does not."""
    nodes = discussion.nodes
    timeout = settings.COMMENTS_FRAGMENT_CACHE_SECONDS
    if not timeout or not nodes:
        return [mark_safe(render_shared(node, links)) for node in nodes]
    language = get_language() or settings.LANGUAGE_CODE
    keys = [fragment_key(node, links.permalink(node.comment.pk), language) for node in nodes]
    found = cache.get_many(keys)
    missing = {}
    parts = []
    for key, node in zip(keys, nodes, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = render_shared(node, links)
        parts.append(mark_safe(html))
    if missing:
        cache.set_many(missing, timeout=timeout)
    return parts


@dataclass(frozen=True)
class Skeleton:
    """What every reader of the audience gets of the nodes: each node's head (up to and with its shared
    part) and tail (after the viewer's part), and what follows the last node."""

    heads: list[str]
    tails: list[str]
    end: str


def build_skeleton(discussion: Discussion) -> Skeleton:
    links = CommentLinks(discussion.article.slug)
    parts = _template(NODE_TEMPLATE).make_module(
        {"discussion": discussion, "links": links, "_": translator()}
    )
    nodes = discussion.nodes
    shared = shared_parts(discussion, links)
    return Skeleton(
        heads=[parts.node_head(node, part) for node, part in zip(nodes, shared, strict=True)],
        tails=[parts.node_tail(node) for node in nodes],
        end=parts.discussion_end(),
    )


def skeleton(discussion: Discussion) -> Skeleton:
    """The discussion's skeleton: kept with a page of threads shared by an audience, built for any other."""
    page = discussion.prepared
    if page is None or discussion.highlight is not None:
        return build_skeleton(discussion)
    found = page.shared_html.get("skeleton")
    if found is None:
        found = page.shared_html["skeleton"] = build_skeleton(discussion)
    return found


# Where the viewer's CSRF token goes in the rows kept for every reader of a kind: random per process, so no
# comment can hold it, and never sent (every page has the reader's token in its place).
CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


def csrf_context(request: HttpRequest) -> dict:
    """The CSRF token and field, made once per page and only if a form of the page prints them (an anonymous
    page has none, so it sets no CSRF cookie and stays cacheable)."""
    token = SimpleLazyObject(lambda: get_token(request))
    return {"csrf_token": token, "csrf_input": SimpleLazyObject(lambda: csrf_field(token))}


def csrf_field(token: str) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def focus_url(discussion: Discussion) -> str:
    """The page of the comment in focus, to which a moderator's forms bring them back; "" elsewhere."""
    if discussion.focus is None:
        return ""
    return reverse("comments:permalink", kwargs={"slug": discussion.article.slug, "pk": discussion.focus.pk})


def part_renderer(request: HttpRequest | None, discussion: Discussion, viewer: Viewer):
    """comments/_viewer_part.html's macro, given the page's context; with no request, the CSRF token is
    CSRF_SLOT (the parts every reader of a kind gets, the token put in per reader)."""
    if request is None:
        csrf = {"csrf_token": CSRF_SLOT, "csrf_input": csrf_field(CSRF_SLOT)}
    else:
        csrf = csrf_context(request)
    context = {
        "discussion": discussion,
        "viewer": viewer,
        "focus_url": focus_url(discussion),
        "_": translator(),
        **csrf,
    }
    return _template(PART_TEMPLATE).make_module(context).viewer_part


def rows_for_all(page: PreparedPage, discussion: Discussion, viewer: Viewer) -> list[bytes]:
    """Each node's HTML (head, part, tail), encoded, as any reader of the viewer's kind gets it, with
    CSRF_SLOT for their token: kept with the page of threads for its audience."""
    key = ("rows", viewer.part_key())
    found = page.shared_html.get(key)
    if found is None:
        frame, render = skeleton(discussion), part_renderer(None, discussion, viewer)
        found = page.shared_html[key] = [
            f"{head}{render(viewer.generic_row(index))}{tail}".encode()
            for index, (head, tail) in enumerate(zip(frame.heads, frame.tails, strict=True))
        ]
    return found


def marked_rows(page: PreparedPage, discussion: Discussion, viewer: Viewer, indexes) -> dict[int, bytes]:
    """The viewer's own rows, encoded, with CSRF_SLOT for their token. A row renders the same for every
    viewer whose row has the same variant (Row.variant: what they may do with it, whether they voted, follow
    its thread), so each variant of a row is kept with the page too; a row with no variant (one with a
    moderation note) is rendered every time."""
    kept = page.shared_html.setdefault(("variants", viewer.part_key()), {})
    frame, render = skeleton(discussion), None
    result = {}
    for index in indexes:
        row = viewer.row(index)
        variant = row.variant()
        html = kept.get((index, variant)) if variant is not None else None
        if html is None:
            render = render or part_renderer(None, discussion, viewer)
            html = f"{frame.heads[index]}{render(row)}{frame.tails[index]}".encode()
            if variant is not None:
                kept[(index, variant)] = html
        result[index] = html
    return result


def rendered_rows(request: HttpRequest, discussion: Discussion, viewer: Viewer) -> list[str]:
    """Every row's HTML rendered for this viewer."""
    frame, render = skeleton(discussion), part_renderer(request, discussion, viewer)
    return [
        f"{head}{render(row)}{tail}"
        for head, row, tail in zip(frame.heads, viewer.rows, frame.tails, strict=True)
    ]


def nodes_bytes(request: HttpRequest, discussion: Discussion, viewer: Viewer) -> bytes:
    """The discussion's comments as this viewer sees them, encoded (UTF-8): what render_nodes returns, for a
    page that puts them into its response itself (forum/pages.py).

    On a page of threads kept for an audience, the rows that are the viewer's own (viewer.marked) come from
    their variants and the others from the rows kept for any reader of their kind, with their CSRF token
    put in; an anonymous reader's whole nodes are put together once. Any other page is rendered row by row
    for the viewer. A big page is a megabyte or more, so the kept rows are bytes: the page is joined and its
    tokens put in without a copy in Python's wider string form."""
    page = discussion.prepared if discussion.highlight is None else None
    if page is None:
        return "".join([*rendered_rows(request, discussion, viewer), skeleton(discussion).end]).encode()
    anonymous = not viewer.authenticated
    if anonymous and "anonymous" in page.shared_html:
        return page.shared_html["anonymous"]
    rows = rows_for_all(page, discussion, viewer)
    marked = viewer.marked()
    if marked:
        rows = list(rows)
        for index, html in marked_rows(page, discussion, viewer, marked).items():
            rows[index] = html
    html = b"".join([*rows, skeleton(discussion).end.encode()])
    if anonymous:
        # An anonymous reader's rows hold no form, so no CSRF_SLOT: this page is the same for all of them.
        page.shared_html["anonymous"] = html
        return html
    return html.replace(CSRF_SLOT.encode(), get_token(request).encode())


def render_nodes(request: HttpRequest, discussion: Discussion, viewer: Viewer) -> SafeString:
    """The discussion's comments as this viewer sees them (nodes_bytes), for a template."""
    return mark_safe(nodes_bytes(request, discussion, viewer).decode())
