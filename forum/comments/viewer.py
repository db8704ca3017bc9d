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

from dataclasses import dataclass
from functools import cache, cached_property
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

    def variant(self) -> tuple | None:
        """What this row's part depends on besides its node and the page (Viewer.part_key): two rows of a
        node with the same variant render the same. None: a part of this viewer's alone (sites say when)."""
        a = self.actions
        return (a.voted, a.own, a.can_vote, a.can_reply, a.can_edit, a.can_delete, a.can_report)


class Viewer:
    """Everything per-viewer on a discussion page: a Row for each node of the discussion, built when asked
    for. Sites extend it (forum/pages.py: SiteViewer) by overriding `build_row`, `marked` and `part_key`.

    Most rows of a logged-in reader's page are what any reader of the same kind (`part_key`) gets: someone
    else's comment, which they did not vote for. `marked` names the rows that are the viewer's own in some
    way; rendering.py renders those for the viewer and takes the others from what the page keeps for all
    such readers (`generic_row`)."""

    def __init__(self, user, discussion: Discussion, *, can_moderate: bool = False) -> None:
        self.user, self.discussion, self.can_moderate = user, discussion, can_moderate
        self.links = CommentLinks(discussion.article.slug)
        self.now = timezone.now()

    @property
    def authenticated(self) -> bool:
        return rules.is_logged_in(self.user)

    @cached_property
    def thread_root_ids(self) -> list[int | None]:
        """For each node, the top-level comment of its thread when the page shows it."""
        result, root_id = [], None
        for node in self.discussion.nodes:
            if node.comment.is_thread_root:
                root_id = node.comment.pk
            result.append(root_id)
        return result

    @cached_property
    def rows(self) -> list[Row]:
        return [self.row(index) for index in range(len(self.discussion.nodes))]

    def row(self, index: int) -> Row:
        return self.build_row(index, generic=False)

    def generic_row(self, index: int) -> Row:
        """The row as any logged-in reader with this part_key gets it who has no mark on the comment."""
        return self.build_row(index, generic=True)

    def build_row(self, index: int, *, generic: bool) -> Row:
        node = self.discussion.nodes[index]
        comment = node.comment
        own = not generic and comment.is_written_by(self.user)
        voted = not generic and comment.pk in self.discussion.voted
        actions = actions_of(
            comment, self.user, moderator=self.can_moderate, now=self.now, own=own, voted=voted
        )
        return Row(
            node=node,
            actions=actions,
            urls=self.links.of(comment.pk),
            thread_root_id=self.thread_root_ids[index],
        )

    def marked(self) -> set[int]:
        """The rows whose part is this viewer's own: their comments and the ones they voted for."""
        if not self.authenticated:
            return set()
        voted, user_id = self.discussion.voted, self.user.pk
        return {
            index
            for index, node in enumerate(self.discussion.nodes)
            if node.comment.pk in voted or node.comment.author_id == user_id
        }

    def part_key(self) -> tuple:
        """What the generic rows' parts depend on besides the discussion (sites add theirs)."""
        return (self.authenticated, self.can_moderate)


class ViewerBuilder(Protocol):
    def __call__(self, request: HttpRequest, discussion: Discussion) -> Viewer: ...


def actions_of(comment: Comment, user, *, moderator: bool, now, own: bool, voted: bool) -> CommentActions:
    """What this viewer may do with one comment, from the rules' offers (rules.py). No query."""
    if not rules.is_logged_in(user):
        return CommentActions(can_reply=rules.offers_reply(comment))
    return CommentActions(
        voted=voted,
        own=own,
        can_vote=rules.offers_vote(comment, user, own=own),
        can_reply=rules.offers_reply(comment),
        can_edit=rules.can_edit(comment, user, own=own, now=now),
        can_delete=rules.can_delete(comment, user, own=own),
        can_report=rules.offers_report(comment, user, moderator=moderator, own=own),
    )


def comments_viewer(request: HttpRequest, discussion: Discussion) -> Viewer:
    """The viewer with forum.comments' part only (the default of COMMENTS_VIEWER)."""
    user = request.user
    return Viewer(user, discussion, can_moderate=rules.can_moderate(user))


@cache
def _builder(path: str) -> ViewerBuilder:
    return import_string(path)


def build_viewer(request: HttpRequest, discussion: Discussion) -> Viewer:
    """The page's viewer, built by the function the site names in COMMENTS_VIEWER."""
    path = getattr(settings, "COMMENTS_VIEWER", "forum.comments.viewer.comments_viewer")
    return _builder(path)(request, discussion)
