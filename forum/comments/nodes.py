"""Comments as the page lays them out: linked into trees, pruned to what the reader may see, and flattened.

The tree is walked once in Python into a flat list of nodes with open/close markers, which one template loop
renders as nested `<ol class="replies">` without a template include per comment.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from forum.comments import rules
from forum.comments.models import Comment
from forum.comments.sorting import sort_key


@dataclass
class Node:
    """One comment as the template sees it (what this viewer may do with it: forum/comments/viewer.py)."""

    comment: Comment
    depth: int
    replies: list["Node"] = field(default_factory=list)
    reply_count: int = 0  # every descendant shown (below the display depth: every one the reader may see)
    placeholder: str = ""  # "hidden" or "deleted": render the notice instead of the text
    continue_thread: bool = False  # replies exist below the display depth
    more_count: int = 0  # replies listed to this reader but not loaded: "Show N more replies"
    more_after: int | None = None  # the last reply loaded, from which "Show N more replies" goes on
    fetched: int = 0  # how many of its replies were loaded
    closed: list["Node"] = field(default_factory=list, repr=False)  # the open threads that end after it
    when: str = ""  # the posting time as shown, e.g. "31 Mar 2023, 19:12" (what |date:"j M Y, H:i" gives)
    kept: bool = field(default=False, repr=False)  # shown, as itself or as a placeholder (see prune)

    @property
    def has_replies(self) -> bool:
        return bool(self.replies or self.more_count) and not self.continue_thread

    @property
    def close_count(self) -> int:
        return len(self.closed)

    @property
    def closes(self) -> list["Node"]:
        """The nodes whose `<ol class="replies">` ends after this one, innermost first."""
        return self.closed


def build_nodes(comments: list[Comment], user, sort: str, base_depth: int = 0) -> list[Node]:
    """Turn comments in tree order (a comment before its replies) into the flat, render-ready list of nodes.

    A comment the reader may not see is dropped with its subtree, unless something below it is visible:
    then it stays as a "hidden" placeholder so that the tree keeps its shape.
    """
    can_moderate = rules.can_moderate(user)
    by_id: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        node = Node(comment=comment, depth=comment.depth - base_depth)
        by_id[comment.pk] = node
        parent = by_id.get(comment.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.replies.append(node)

    key = sort_key(sort)
    for node in by_id.values():
        node.fetched = len(node.replies)
        listed = getattr(node.comment, "listed_replies", None)  # annotated by the bounded loads
        if listed is not None and listed > node.fetched:
            node.more_count = listed - node.fetched
            node.more_after = max(node.replies, key=key).comment.pk if node.replies else None
    format_times(by_id.values())
    prune(list(by_id.values()), user, can_moderate)
    roots = [root for root in roots if root.kept]
    return flatten(roots, key, settings.COMMENTS_DISPLAY_DEPTH)


def prune(nodes: list[Node], user, can_moderate: bool) -> None:
    """Decide which nodes stay, and count each one's shown replies (at any depth).

    `nodes` is in tree order, so every reply comes after its parent: walking it backwards settles a node's
    replies before the node itself, without recursion (a reply chain may be thousands deep).
    """
    for node in reversed(nodes):
        node.replies = [child for child in node.replies if child.kept]
        node.reply_count = sum(1 + child.reply_count for child in node.replies)
        if node.comment.is_visible_to(user, can_moderate=can_moderate):
            # The author of a hidden comment still reads it (with the moderator's reason); nobody else does.
            node.placeholder = node.comment.placeholder_for(user, can_moderate=can_moderate)
            node.kept = True
        elif node.replies or node.more_count:
            node.placeholder = "hidden"
            node.kept = True


def flatten(roots: list[Node], key, max_depth: int) -> list[Node]:
    """The nodes in display order, down to the display depth, each sibling list sorted; the last node of a
    thread closes it (and every enclosing thread it is the last of). Iterative, like prune."""
    flat: list[Node] = []
    roots.sort(key=key)
    stack: list[Node | _Close] = list(reversed(roots))
    while stack:
        node = stack.pop()
        if isinstance(node, _Close):
            flat[-1].closed.append(node.thread)
            continue
        flat.append(node)
        if not (node.replies or node.more_count):
            continue
        node.replies.sort(key=key)
        if node.depth >= max_depth - 1:
            node.continue_thread = True
            below = getattr(node.comment, "visible_reply_count", None)  # a bounded load did not load them
            if below is not None:
                node.reply_count = below
            continue
        stack.append(_Close(node))
        stack.extend(reversed(node.replies))
    return flat


@dataclass(frozen=True)
class _Close:
    """In flatten's stack: the replies of `thread` end here."""

    thread: Node


def format_times(nodes) -> None:
    """Format every posting time once here: the date filter in the template costs more than any other
    construct on a long discussion (see bench/). The day follows the active language's SHORT_DATE_FORMAT
    (forum/formats), formatted once per distinct day; the time is "H:i" in every language."""
    zone = timezone.get_current_timezone()  # once: each lookup reads a context variable
    days: dict = {}
    for node in nodes:
        local = node.comment.created_at.astimezone(zone)
        day = local.date()
        shown = days.get(day)
        if shown is None:
            shown = days[day] = date_format(day, "SHORT_DATE_FORMAT")
        node.when = f"{shown}, {local.hour:02d}:{local.minute:02d}"  # a quarter of what strftime costs
