"""Load and lay out a page of discussion threads: our names over django-mptt.

A page is a set of top-level threads (roots). Every top-level comment roots its own tree, so the page's
comments are `tree_id IN (...)`, fetched in one query in tree order. The tree is then walked once in Python
into a flat list of nodes with open/close markers, which one template loop renders as nested
`<ol class="replies">` without a template include per comment.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article
from forum.comments.models import Comment, Vote
from forum.comments.rules import edit_window

SORTS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "top": ("-score", "created_at", "pk"),
}
DEFAULT_SORT = "oldest"


def parse_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def _sort_key(sort: str):
    """The sort of top-level threads (done by the database) applied to sibling nodes in Python."""
    if sort == "newest":
        return lambda node: (-node.comment.created_at.timestamp(), -node.comment.pk)
    if sort == "top":
        return lambda node: (-node.comment.score, node.comment.created_at, node.comment.pk)
    return lambda node: (node.comment.created_at, node.comment.pk)


@dataclass
class Node:
    """One comment as the template sees it."""

    comment: Comment
    depth: int
    replies: list["Node"] = field(default_factory=list)
    reply_count: int = 0  # every descendant shown
    placeholder: str = ""  # "hidden" or "deleted": render the notice instead of the text
    continue_thread: bool = False  # replies exist below the display depth
    close_count: int = 0  # how many open threads (ancestors with replies shown) end after this node
    voted: bool = False
    own: bool = False
    can_edit: bool = False

    @property
    def has_replies(self) -> bool:
        return bool(self.replies) and not self.continue_thread

    @property
    def closes(self) -> range:
        return range(self.close_count)

    @property
    def status(self) -> str:
        return self.comment.status


@dataclass
class Discussion:
    article: Article
    sort: str
    nodes: list[Node]
    page_number: int = 1
    has_more: bool = False
    focus: Comment | None = None
    ancestors: list[Comment] = field(default_factory=list)
    highlight: int | None = None  # a comment to move focus to (just posted or edited)

    @property
    def next_page(self) -> int:
        return self.page_number + 1

    @property
    def previous_page(self) -> int | None:
        return self.page_number - 1 if self.page_number > 1 else None

    @cached_property
    def base_url(self) -> str:
        """`/articles/<slug>/comments/`: comment URLs are built from it without a reverse() per comment."""
        return reverse("comments:post", kwargs={"slug": self.article.slug})

    @property
    def enhanced(self) -> bool:
        """htmx swaps threads in place on the article page; other pages use plain forms."""
        return self.focus is None


def _placeholder(comment: Comment, user, can_moderate: bool) -> str:
    if comment.status == Comment.Status.DELETED:
        return "deleted"
    if can_moderate:
        return ""
    if comment.status == Comment.Status.SPAM:
        return "hidden"
    # The author of a hidden comment still reads it (with the moderator's reason); nobody else does.
    if comment.status == Comment.Status.HIDDEN and comment.author_id != getattr(user, "pk", None):
        return "hidden"
    return ""


def _is_visible(comment: Comment, user, can_moderate: bool) -> bool:
    if can_moderate or comment.status in Comment.SHOWN_STATUSES:
        return True
    return comment.status == Comment.Status.PENDING and comment.author_id == getattr(user, "pk", None)


def build_nodes(comments: list[Comment], user, sort: str, base_depth: int = 0) -> list[Node]:
    """Turn comments in tree order (tree_id, lft) into the flat, render-ready list of nodes.

    A comment the reader may not see is dropped with its subtree, unless something below it is visible:
    then it stays as a "hidden" placeholder so that the tree keeps its shape.
    """
    can_moderate = user.is_authenticated and user.has_perm("comments.moderate_comment")
    by_id: dict[int, Node] = {}
    roots: list[Node] = []
    for comment in comments:
        node = Node(comment=comment, depth=comment.level - base_depth)
        by_id[comment.pk] = node
        parent = by_id.get(comment.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.replies.append(node)

    key = _sort_key(sort)
    max_depth = settings.COMMENTS_DISPLAY_DEPTH
    flat: list[Node] = []

    def prune(node: Node) -> bool:
        node.replies = [child for child in node.replies if prune(child)]
        if _is_visible(node.comment, user, can_moderate):
            node.placeholder = _placeholder(node.comment, user, can_moderate)
            return True
        if node.replies:
            node.placeholder = "hidden"
            return True
        return False

    def walk(node: Node) -> None:
        flat.append(node)
        if not node.replies:
            return
        node.replies.sort(key=key)
        if node.depth >= max_depth - 1:
            node.continue_thread = True
            node.reply_count = _count(node)
            return
        for child in node.replies:
            walk(child)
            node.reply_count += 1 + child.reply_count
        flat[-1].close_count += 1  # the last reply rendered closes this node's thread

    roots = [root for root in roots if prune(root)]
    roots.sort(key=key)
    for root in roots:
        walk(root)
    return flat


def _count(node: Node) -> int:
    return sum(1 + _count(child) for child in node.replies)


def with_viewer_votes(comments: QuerySet[Comment], user) -> QuerySet[Comment]:
    """Annotate whether this reader up-voted each comment, in the same query that loads the comments."""
    if not user.is_authenticated:
        return comments
    return comments.annotate(viewer_voted=Exists(Vote.objects.filter(comment=OuterRef("pk"), user=user)))


def attach_viewer_state(nodes: list[Node], user) -> None:
    """What this reader may do with each comment, from what was loaded (see with_viewer_votes)."""
    if not user.is_authenticated or not nodes:
        return
    window_start = timezone.now() - edit_window()
    for node in nodes:
        comment = node.comment
        node.voted = getattr(comment, "viewer_voted", False)
        node.own = comment.author_id == user.pk
        node.can_edit = (
            node.own and comment.created_at >= window_start and comment.status in Comment.EDITABLE_STATUSES
        )


def _tree_comments(tree_ids: list[int], user) -> QuerySet[Comment]:
    comments = (
        Comment.objects.filter(tree_id__in=tree_ids).select_related("author").order_by("tree_id", "lft")
    )
    return with_viewer_votes(comments, user)


def discussion_page(article: Article, user, *, sort: str = DEFAULT_SORT, page_number=1) -> Discussion:
    """One page of top-level threads with all their replies, in a constant number of queries."""
    sort = parse_sort(sort)
    number = parse_page(page_number)
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    roots = _listed_roots(article, user).order_by(*SORTS[sort])
    # One row past the page tells whether there is more, without a COUNT query.
    start = (number - 1) * per_page
    tree_ids = list(roots.values_list("tree_id", flat=True)[start : start + per_page + 1])
    has_more = len(tree_ids) > per_page
    tree_ids = tree_ids[:per_page]
    comments = list(_tree_comments(tree_ids, user)) if tree_ids else []
    nodes = build_nodes(comments, user, sort)
    attach_viewer_state(nodes, user)
    return Discussion(article=article, sort=sort, nodes=nodes, page_number=number, has_more=has_more)


def _listed_roots(article, user) -> QuerySet[Comment]:
    """Top-level comments a page may list. A spam root is listed too: if replies hang below it, it shows as
    a placeholder that keeps them; if none do, build_nodes leaves it out."""
    return Comment.objects.for_article(article).roots().visible_to(user, also=(Comment.Status.SPAM,))


def parse_page(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def subtree(comment: Comment, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """A comment with its replies (the permalink page and "Continue this thread")."""
    sort = parse_sort(sort)
    comments = list(
        with_viewer_votes(comment.get_descendants(include_self=True), user)
        .select_related("author")
        .order_by("tree_id", "lft")
    )
    nodes = build_nodes(comments, user, sort, base_depth=comment.level)
    attach_viewer_state(nodes, user)
    ancestors = list(comment.get_ancestors().select_related("author"))
    return Discussion(article=comment.article, sort=sort, nodes=nodes, focus=comment, ancestors=ancestors)


def thread(article: Article, tree_id: int, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """One top-level thread, as the article page shows it (re-rendered after an htmx write)."""
    sort = parse_sort(sort)
    nodes = build_nodes(list(_tree_comments([tree_id], user)), user, sort)
    attach_viewer_state(nodes, user)
    return Discussion(article=article, sort=sort, nodes=nodes)


def continuation(comment: Comment, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """The replies below a comment at the display depth ("Continue this thread")."""
    sort = parse_sort(sort)
    comments = list(
        with_viewer_votes(comment.get_descendants(), user).select_related("author").order_by("tree_id", "lft")
    )
    nodes = build_nodes(comments, user, sort, base_depth=comment.level + 1)
    attach_viewer_state(nodes, user)
    ancestors = [*comment.get_ancestors().select_related("author"), comment]
    return Discussion(article=comment.article, sort=sort, nodes=nodes, focus=comment, ancestors=ancestors)


def page_of_thread(comment: Comment, user, sort: str = DEFAULT_SORT) -> int:
    """The page of the article's discussion that shows this comment's thread."""
    sort = parse_sort(sort)
    root = comment if comment.level == 0 else comment.get_root()
    roots = _listed_roots(comment.article_id, user)
    if sort == "newest":
        before = roots.filter(
            Q(created_at__gt=root.created_at) | Q(created_at=root.created_at, pk__gt=root.pk)
        )
    elif sort == "top":
        before = roots.filter(
            Q(score__gt=root.score)
            | Q(score=root.score, created_at__lt=root.created_at)
            | Q(score=root.score, created_at=root.created_at, pk__lt=root.pk)
        )
    else:
        before = roots.filter(
            Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
        )
    return before.count() // settings.COMMENTS_THREADS_PER_PAGE + 1


def anchor_on_article_page(comment: Comment) -> int:
    """The comment itself, or its ancestor at the display depth when it is rendered deeper than that."""
    deepest = settings.COMMENTS_DISPLAY_DEPTH - 1
    if comment.level <= deepest:
        return comment.pk
    return comment.get_ancestors().get(level=deepest).pk
