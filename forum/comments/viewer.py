"""The per-viewer part of a discussion page, as forum.comments knows it.

A page of threads (threads.Discussion) is the same for everyone who may read the same comments; what depends
on who is looking (their votes, their own comments, what they may do) is a Viewer, built once per page and
passed to the templates beside the discussion. forum.comments declares the comment-level part here: for each
node a `Row` with its `CommentActions` and its links. The other apps' parts (moderation, following) are added
by the site (forum/pages.py), which extends `Viewer` and `Row` with fields of its own: that is the extension
point, plain dataclasses, and forum.comments imports none of those apps.

Which function builds the viewer of a page is the setting COMMENTS_VIEWER (a dotted path to a
`ViewerBuilder`); every view that renders discussion nodes calls `build_viewer`, so the article page, "Load
more", the permalink, "Continue this thread" and the thread re-rendered after a write show the same controls.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from forum.comments import rules
from forum.comments.models import Comment
from forum.comments.threads import Discussion, Node
from forum.lib.urls import UrlForPk


class CommentUrls:
    """The comments app's URLs of one comment, from the page's CommentLinks (no reverse() per comment)."""

    __slots__ = ("links", "pk")

    def __init__(self, links: "CommentLinks", pk: int) -> None:
        self.links, self.pk = links, pk

    @property
    def permalink(self) -> str:
        return self.links.permalink(self.pk)

    @property
    def reply(self) -> str:
        return self.links.reply(self.pk)

    @property
    def edit(self) -> str:
        return self.links.edit(self.pk)

    @property
    def delete(self) -> str:
        return self.links.delete(self.pk)

    @property
    def vote(self) -> str:
        return self.links.vote(self.pk)

    @property
    def thread(self) -> str:
        return self.links.thread(self.pk)


class CommentLinks:
    """One reverse() per route for a page: the comment URLs of an article."""

    def __init__(self, slug: str) -> None:
        for name in ("permalink", "reply", "edit", "delete", "vote"):
            setattr(self, name, UrlForPk(f"comments:{name}", slug=slug))
        self.thread = UrlForPk("comments:continue", slug=slug)

    def of(self, pk: int) -> CommentUrls:
        return CommentUrls(self, pk)


@dataclass(slots=True)
class CommentActions:
    """What this viewer may do with one comment."""

    voted: bool = False  # they up-voted it
    own: bool = False  # they wrote it
    can_vote: bool = False
    can_reply: bool = False
    can_edit: bool = False  # their own, within the edit window
    can_delete: bool = False
    can_report: bool = False  # a published comment of someone else, for a reader who does not moderate


@dataclass
class Row:
    """One node of the page with this viewer's part of it."""

    node: Node
    actions: CommentActions
    urls: CommentUrls
    thread_root_id: int | None = None  # the top-level comment of its thread, when the page shows it

    @property
    def comment(self) -> Comment:
        return self.node.comment


@dataclass
class Viewer:
    """Everything per-viewer on a discussion page. Sites extend it (forum/pages.py: SiteViewer)."""

    user: object
    rows: list[Row] = field(default_factory=list)
    can_moderate: bool = False

    @property
    def authenticated(self) -> bool:
        return rules.is_logged_in(self.user)


class ViewerBuilder(Protocol):
    def __call__(self, request: HttpRequest, discussion: Discussion) -> Viewer: ...


def comment_actions(discussion: Discussion, user) -> list[CommentActions]:
    """The comment-level part for each node, from what the page loaded (the votes come annotated with the
    comments: threads.with_viewer_votes) and the rules' offers (forum/comments/rules.py). No query."""
    if not rules.is_logged_in(user):
        return [CommentActions(can_reply=rules.offers_reply(node.comment)) for node in discussion.nodes]
    moderator = rules.can_moderate(user)
    now = timezone.now()
    actions = []
    for node in discussion.nodes:
        comment = node.comment
        own = comment.is_written_by(user)
        actions.append(
            CommentActions(
                voted=getattr(comment, "viewer_voted", False),
                own=own,
                can_vote=rules.offers_vote(comment, user, own=own),
                can_reply=rules.offers_reply(comment),
                can_edit=rules.can_edit(comment, user, own=own, now=now),
                can_delete=rules.can_delete(comment, user, own=own),
                can_report=rules.offers_report(comment, user, moderator=moderator, own=own),
            )
        )
    return actions


def rows(discussion: Discussion, actions: list[CommentActions]) -> list[Row]:
    links = CommentLinks(discussion.article.slug)
    result = []
    root_id = None
    for node, action in zip(discussion.nodes, actions, strict=True):
        if node.comment.is_thread_root:
            root_id = node.comment.pk
        result.append(Row(node=node, actions=action, urls=links.of(node.comment.pk), thread_root_id=root_id))
    return result


def comments_viewer(request: HttpRequest, discussion: Discussion) -> Viewer:
    """The viewer with forum.comments' part only (the default of COMMENTS_VIEWER)."""
    user = request.user
    return Viewer(
        user=user,
        rows=rows(discussion, comment_actions(discussion, user)),
        can_moderate=rules.can_moderate(user),
    )


@cache
def _builder(path: str) -> ViewerBuilder:
    return import_string(path)


def build_viewer(request: HttpRequest, discussion: Discussion) -> Viewer:
    """The page's viewer, built by the function the site names in COMMENTS_VIEWER."""
    path = getattr(settings, "COMMENTS_VIEWER", "forum.comments.viewer.comments_viewer")
    return _builder(path)(request, discussion)
