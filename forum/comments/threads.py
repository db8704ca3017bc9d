"""Load and lay out a page of discussion threads: our names over django-mptt.

A page is a set of top-level threads (roots). Every top-level comment roots its own tree, so the page's
comments are `tree_id IN (...)`, fetched in one query in tree order. The tree is then walked once in Python
into a flat list of nodes with open/close markers, which one template loop renders as nested
`<ol class="replies">` without a template include per comment.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from articles.models import Article
from forum.comments import rules
from forum.comments.models import Comment, Vote

SORTS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "top": ("-score", "created_at", "pk"),
}
DEFAULT_SORT = "oldest"
# Above a comment's own page, its thread's root and this many nearest ancestors are listed, however deep the
# comment lies; "Continue up the thread" opens the nearest one left out.
NEAREST_ANCESTORS = 4


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
    """One comment as the template sees it (what this viewer may do with it: forum/comments/viewer.py)."""

    comment: Comment
    depth: int
    replies: list["Node"] = field(default_factory=list)
    reply_count: int = 0  # every descendant shown (below the display depth: every descendant stored)
    placeholder: str = ""  # "hidden" or "deleted": render the notice instead of the text
    continue_thread: bool = False  # replies exist below the display depth
    more_count: int = 0  # replies listed to this reader but not loaded: "Show N more replies"
    more_after: int | None = None  # the last reply loaded, from which "Show N more replies" goes on
    fetched: int = 0  # how many of its replies were loaded
    closed: list["Node"] = field(default_factory=list, repr=False)  # the open threads that end after it
    when: str = ""  # the posting time as shown, e.g. "31 Mar 2023, 19:12" (what |date:"j M Y, H:i" gives)
    kept: bool = field(default=False, repr=False)  # shown, as itself or as a placeholder (see _prune)

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
    more: Node | None = None  # the comment whose next replies "Show N more replies" loads, below the nodes

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
    def focus_shown(self) -> bool:
        """Whether the focus comment shows with its text: only then may its page name the author."""
        first = self.nodes[0] if self.nodes else None
        return (
            self.focus is not None
            and first is not None
            and first.comment.pk == self.focus.pk
            and not first.placeholder
        )

    @cached_property
    def earlier_ancestor(self) -> int | None:
        """The nearest ancestor that `ancestors` leaves out, between the root and the nearest ones."""
        if len(self.ancestors) > 1 and self.ancestors[1].level > 1:
            return self.ancestors[1].parent_id
        return None

    @property
    def ancestors_left_out(self) -> int:
        return self.ancestors[1].level - 1 if self.earlier_ancestor else 0

    @property
    def enhanced(self) -> bool:
        """htmx swaps threads in place on the article page; other pages use plain forms."""
        return self.focus is None


def _placeholder(comment: Comment, user, can_moderate: bool) -> str:
    # The author of a hidden comment still reads it (with the moderator's reason); nobody else does.
    return comment.placeholder_for(user, can_moderate=can_moderate)


def build_nodes(comments: list[Comment], user, sort: str, base_depth: int = 0) -> list[Node]:
    """Turn comments in tree order (tree_id, lft) into the flat, render-ready list of nodes.

    A comment the reader may not see is dropped with its subtree, unless something below it is visible:
    then it stays as a "hidden" placeholder so that the tree keeps its shape.
    """
    can_moderate = rules.can_moderate(user)
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
    for node in by_id.values():
        node.fetched = len(node.replies)
        listed = getattr(node.comment, "listed_replies", None)  # annotated by the bounded loads
        if listed is not None and listed > node.fetched:
            node.more_count = listed - node.fetched
            node.more_after = max(node.replies, key=key).comment.pk if node.replies else None
    _format_times(by_id.values())
    _prune(list(by_id.values()), user, can_moderate)
    roots = [root for root in roots if root.kept]
    return _flatten(roots, key, settings.COMMENTS_DISPLAY_DEPTH)


def _prune(nodes: list[Node], user, can_moderate: bool) -> None:
    """Decide which nodes stay, and count each one's shown replies (at any depth).

    `nodes` is in tree order, so every reply comes after its parent: walking it backwards settles a node's
    replies before the node itself, without recursion (a reply chain may be thousands deep).
    """
    for node in reversed(nodes):
        node.replies = [child for child in node.replies if child.kept]
        node.reply_count = sum(1 + child.reply_count for child in node.replies)
        if node.comment.is_visible_to(user, can_moderate=can_moderate):
            node.placeholder = _placeholder(node.comment, user, can_moderate)
            node.kept = True
        elif node.replies or node.more_count:
            node.placeholder = "hidden"
            node.kept = True


def _flatten(roots: list[Node], key, max_depth: int) -> list[Node]:
    """The nodes in display order, down to the display depth, each sibling list sorted; the last node of a
    thread closes it (and every enclosing thread it is the last of). Iterative, like _prune."""
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
            if hasattr(node.comment, "listed_replies"):  # a bounded load: what lies below was not loaded
                node.reply_count = (node.comment.rght - node.comment.lft - 1) // 2
            continue
        stack.append(_Close(node))
        stack.extend(reversed(node.replies))
    return flat


@dataclass(frozen=True)
class _Close:
    """In _flatten's stack: the replies of `thread` end here."""

    thread: Node


def _format_times(nodes) -> None:
    """Format every posting time once here: the date filter in the template costs more than any other
    construct on a long discussion (see bench/). The day follows the active language's SHORT_DATE_FORMAT
    (forum/formats), formatted once per distinct day; the time is "H:i" in every language."""
    days: dict = {}
    for node in nodes:
        local = timezone.localtime(node.comment.created_at)
        day = local.date()
        shown = days.get(day)
        if shown is None:
            shown = days[day] = date_format(day, "SHORT_DATE_FORMAT")
        node.when = f"{shown}, {local:%H:%M}"


def with_viewer_votes(comments: QuerySet[Comment], user) -> QuerySet[Comment]:
    """Annotate whether this reader up-voted each comment, in the same query that loads the comments."""
    if not user.is_authenticated:
        return comments
    return comments.annotate(viewer_voted=Exists(Vote.objects.filter(comment=OuterRef("pk"), user=user)))


def replies_per_level(depth: int) -> int:
    """How many replies of each comment a page loads at this depth below its top (a setting)."""
    schedule = settings.COMMENTS_REPLIES_PER_LEVEL
    return max(1, schedule[min(max(depth, 1), len(schedule)) - 1])


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def _listed_replies(user, sort: str) -> QuerySet[Comment]:
    return Comment.objects.listed_to(user).order_by(*SORTS[sort])


def after_sibling(sort: str, sibling: Comment) -> Q:
    """The replies that come after `sibling` in this sort: keyset paging by the sort key and the pk, so that
    replies posted meanwhile neither shift nor repeat what a reader already has."""
    if sort == "newest":
        return Q(created_at__lt=sibling.created_at) | Q(created_at=sibling.created_at, pk__lt=sibling.pk)
    later = Q(created_at__gt=sibling.created_at) | Q(created_at=sibling.created_at, pk__gt=sibling.pk)
    if sort == "top":
        return Q(score__lt=sibling.score) | (Q(score=sibling.score) & later)
    return later


def _bounded_comments(user, sort: str, anchors: list[tuple[str, tuple]], offset: int = 0) -> list[Comment]:
    """The comments a bounded page shows, in one query, in tree order.

    `anchors` select the page's top rows as (id, depth, expand): the roots of a page of threads, a comment,
    or a run of a comment's replies; a row's depth is its level + `offset`. A recursive CTE then walks down
    breadth first, taking at each comment its first replies_per_level(depth) replies (in the page's sort)
    down to the display depth, and stops at COMMENTS_PAGE_BUDGET rows. Each row counts its listed replies, so
    "Show N more replies" needs no query.
    Works on PostgreSQL and SQLite (both run a recursive CTE breadth first)."""
    budget = settings.COMMENTS_PAGE_BUDGET
    max_depth = settings.COMMENTS_DISPLAY_DEPTH
    levels = len(settings.COMMENTS_REPLIES_PER_LEVEL)
    branches, params = [], []
    for depth in range(1, levels + 1):
        replies = _listed_replies(user, sort).filter(parent_id=RawSQL("shown.id", ())).values("id")
        inner, inner_params = _sql(replies[: replies_per_level(depth)])
        test = "=" if depth < levels else ">="
        branches.append(f"(shown.depth + 1 {test} %s AND c.id IN ({inner}))")
        params += [depth, *inner_params]
    anchor_sql = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS a{n}" for n, (sql, _) in enumerate(anchors))
    anchor_params = [p for _, anchor in anchors for p in anchor]
    table = connection.ops.quote_name(Comment._meta.db_table)
    inner_limit = " LIMIT %s" if connection.vendor == "sqlite" else ""  # PostgreSQL: only outside
    sql = (
        "WITH RECURSIVE shown(id, depth, expand) AS ("
        f"SELECT id, depth, expand FROM ({anchor_sql}) AS anchors"
        f" UNION ALL SELECT c.id, shown.depth + 1, 1 FROM shown JOIN {table} c ON c.parent_id = shown.id"
        f" WHERE shown.expand = 1 AND shown.depth + 1 < %s AND ({' OR '.join(branches)}){inner_limit}"
        ") SELECT id FROM shown LIMIT %s"
    )
    all_params = [*anchor_params, max_depth, *params, *([budget] if inner_limit else []), budget]
    listed = (
        Comment.objects.listed_to(user)
        .filter(parent_id=OuterRef("pk"))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    comments = (
        Comment.objects.filter(pk__in=RawSQL(sql, all_params))
        .select_related("author")
        .annotate(listed_replies=Coalesce(Subquery(listed), 0))
        .order_by("tree_id", "lft")
    )
    loaded = list(with_viewer_votes(comments, user))
    if len(loaded) >= budget:
        loaded = _without_partial_last_level(loaded, offset)
    return loaded


def _without_partial_last_level(comments: list[Comment], offset: int) -> list[Comment]:
    """When the budget cut the walk, the deepest level loaded may hold only some of a comment's first replies
    (the database emits a level in no particular order): drop those, so every comment shows a prefix of its
    replies in the page's sort and "Show N more replies" goes on from there."""
    deepest = max(c.level for c in comments)
    loaded: dict[int, int] = {}
    for comment in comments:
        if comment.level == deepest:
            loaded[comment.parent_id] = loaded.get(comment.parent_id, 0) + 1
    wanted = replies_per_level(deepest + offset)
    by_id = {c.pk: c for c in comments}
    partial = {
        parent_id
        for parent_id, count in loaded.items()
        if parent_id in by_id and count < min(wanted, by_id[parent_id].listed_replies)
    }
    return [c for c in comments if not (c.level == deepest and c.parent_id in partial)]


def _roots_anchor(tree_ids: list[int]) -> tuple[str, tuple]:
    roots = Comment.objects.filter(tree_id__in=tree_ids, level=0).order_by()
    return _sql(roots.annotate(depth=Value(0), expand=Value(1)).values("id", "depth", "expand"))


def _comment_anchor(comment: Comment, *, expand: bool) -> tuple[str, tuple]:
    row = Comment.objects.filter(pk=comment.pk).order_by()
    return _sql(row.annotate(depth=Value(0), expand=Value(int(expand))).values("id", "depth", "expand"))


def _replies_anchor(parent: Comment, user, sort: str, depth: int, after: Comment | None):
    replies = _listed_replies(user, sort).filter(parent=parent)
    if after is not None:
        replies = replies.filter(after_sibling(sort, after))
    replies = replies.annotate(depth=Value(depth), expand=Value(1)).values("id", "depth", "expand")
    return _sql(replies[: replies_per_level(depth)])


def _tree_comments(tree_ids: list[int], user, sort: str = DEFAULT_SORT) -> list[Comment]:
    return _bounded_comments(user, sort, [_roots_anchor(tree_ids)])


def discussion_page(article: Article, user, *, sort: str = DEFAULT_SORT, page_number=1) -> Discussion:
    """One page of top-level threads with all their replies, in a constant number of queries."""
    sort = parse_sort(sort)
    number = parse_page(page_number)
    pages = thread_pages(article, user, sort)
    tree_ids = pages[number - 1] if number <= len(pages) else []
    comments = _tree_comments(tree_ids, user, sort) if tree_ids else []
    nodes = build_nodes(comments, user, sort)
    return Discussion(
        article=article, sort=sort, nodes=nodes, page_number=number, has_more=number < len(pages)
    )


def thread_pages(article, user, sort: str) -> list[list[int]]:
    """The tree ids of each page: up to COMMENTS_THREADS_PER_PAGE threads, and no more threads once a page
    holds COMMENTS_PAGE_BUDGET comments (a page always takes at least one thread), so a discussion with a few
    huge threads still comes in pages of bounded size. The roots know their threads' sizes
    (CommentQuerySet.thread_sizes), so one query over the roots decides every page."""
    rows = _listed_roots(article, user).order_by(*SORTS[sort]).thread_sizes()
    per_page, budget = settings.COMMENTS_THREADS_PER_PAGE, settings.COMMENTS_PAGE_BUDGET
    pages: list[list[int]] = []
    current: list[int] = []
    size = 0
    for tree_id, thread_size in rows:
        if current and (len(current) == per_page or size + thread_size > budget):
            pages.append(current)
            current, size = [], 0
        current.append(tree_id)
        size += thread_size
    if current:
        pages.append(current)
    return pages


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


def subtree(comment: Comment, user, *, sort: str = DEFAULT_SORT, after: Comment | None = None) -> Discussion:
    """A comment with its replies, bounded like a page (the permalink page). With `after`, one of its replies:
    only the replies that follow it in this sort ("Show N more replies" without JavaScript)."""
    sort = parse_sort(sort)
    if after is None:
        anchors = [_comment_anchor(comment, expand=True)]
    else:
        anchors = [_comment_anchor(comment, expand=False), _replies_anchor(comment, user, sort, 1, after)]
    comments = _bounded_comments(user, sort, anchors, offset=-comment.level)
    nodes = build_nodes(comments, user, sort, base_depth=comment.level)
    if after is not None and nodes and nodes[0].comment.pk == comment.pk:
        _count_more_after(nodes[0], user, sort, after)
    ancestors = listed_ancestors(comment)
    return Discussion(article=comment.article, sort=sort, nodes=nodes, focus=comment, ancestors=ancestors)


def more_replies(
    parent: Comment, user, *, sort: str = DEFAULT_SORT, after: Comment | None = None
) -> Discussion:
    """The next replies of `parent` after the reply `after` (from the first when None), each with its replies,
    bounded like a page, as the article page shows them: what "Show N more replies" appends in place."""
    sort = parse_sort(sort)
    comments = _bounded_comments(user, sort, [_replies_anchor(parent, user, sort, parent.level + 1, after)])
    nodes = build_nodes(comments, user, sort)
    rest = _rest_of_replies(parent, [n for n in nodes if n.depth == parent.level + 1], user, sort, after)
    return Discussion(article=parent.article, sort=sort, nodes=nodes, more=rest)


def _rest_of_replies(parent: Comment, shown: list[Node], user, sort: str, after: Comment | None) -> Node:
    """`parent` as the owner of the "Show N more replies" link below its replies `shown` (loaded after
    `after`): rendered by _more_replies.html, not as a comment."""
    rest = Node(comment=parent, depth=parent.level, fetched=len(shown))
    last = max(shown, key=_sort_key(sort), default=None)
    rest.more_after = last.comment.pk if last else (after.pk if after else None)
    _count_more_after(rest, user, sort, after)
    return rest


def _count_more_after(node: Node, user, sort: str, after: Comment | None) -> None:
    """The replies of `node` still to show when it was loaded from `after` on: one count query."""
    replies = Comment.objects.listed_to(user).filter(parent_id=node.comment.pk)
    if after is not None:
        replies = replies.filter(after_sibling(sort, after))
    node.more_count = max(replies.count() - node.fetched, 0)


def listed_ancestors(comment: Comment) -> list[Comment]:
    """The thread's root and the NEAREST_ANCESTORS nearest ancestors of a comment, root first, in one query:
    a bounded list, however deep the comment lies."""
    return list(
        comment.ancestors()
        .filter(Q(level=0) | Q(level__gte=comment.depth - NEAREST_ANCESTORS))
        .select_related("author")
    )


def thread(article: Article, tree_id: int, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """One top-level thread, as the article page shows it (re-rendered after an htmx write)."""
    sort = parse_sort(sort)
    nodes = build_nodes(_tree_comments([tree_id], user, sort), user, sort)
    return Discussion(article=article, sort=sort, nodes=nodes)


def continuation(comment: Comment, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """The replies below a comment at the display depth ("Continue this thread"), bounded like a page."""
    sort = parse_sort(sort)
    anchors = [_replies_anchor(comment, user, sort, 0, None)]
    comments = _bounded_comments(user, sort, anchors, offset=-(comment.level + 1))
    nodes = build_nodes(comments, user, sort, base_depth=comment.level + 1)
    ancestors = [*listed_ancestors(comment), comment]
    parent = _rest_of_replies(comment, [n for n in nodes if n.depth == 0], user, sort, None)
    return Discussion(
        article=comment.article, sort=sort, nodes=nodes, focus=comment, ancestors=ancestors, more=parent
    )


def page_of_thread(comment: Comment, user, sort: str = DEFAULT_SORT) -> int:
    """The page of the article's discussion that shows this comment's thread."""
    for number, tree_ids in enumerate(thread_pages(comment.article_id, user, parse_sort(sort)), start=1):
        if comment.thread_id in tree_ids:
            return number
    return 1


def anchor_on_article_page(comment: Comment) -> int:
    """The comment itself, or its ancestor at the display depth when it is rendered deeper than that."""
    deepest = settings.COMMENTS_DISPLAY_DEPTH - 1
    if comment.depth <= deepest:
        return comment.pk
    return comment.ancestors().at_depth(deepest).get().pk


@dataclass
class Placement:
    """Where a thread just posted goes among the threads a reader has on screen (see place_new_thread)."""

    page: int  # the page of the discussion that holds it
    on_screen: bool = True  # False: its page is not among those on screen, so it is not inserted
    after: int | None = None  # the root comment of the thread on screen it follows; None: first


def place_new_thread(
    comment: Comment, user, *, sort: str = DEFAULT_SORT, first_page: int = 1, next_page: int | None = None
) -> Placement:
    """Where a new top-level comment sits, in this sort, for a reader who has pages `first_page` to
    `next_page - 1` of the discussion on screen ("Load more" appends pages; `next_page` None: nothing is left
    to load). It goes where a reload, and "Load more", would show it: after the nearest thread before it
    that a page renders. Pages are cut from the first thread on, so the threads before it keep their pages."""
    pages = thread_pages(comment.article_id, user, parse_sort(sort))
    number = next((n for n, tree_ids in enumerate(pages, start=1) if comment.thread_id in tree_ids), None)
    if number is None:  # not listed for this reader (already pulled): nothing on screen moves
        return Placement(page=1)
    last_page = len(pages) if next_page is None else next_page - 1
    if not first_page <= number <= last_page:
        return Placement(page=number, on_screen=False)
    shown = [tree_id for tree_ids in pages[first_page - 1 : number] for tree_id in tree_ids]
    before = shown[: shown.index(comment.thread_id)]
    rendered = _rendered_threads(before, user)
    after = next((tree_id for tree_id in reversed(before) if tree_id in rendered), None)
    if after is not None:
        # The DOM names a thread by its top-level comment.
        after = Comment.objects.in_thread(after).roots().values_list("pk", flat=True).get()
    return Placement(page=number, after=after)


def _rendered_threads(tree_ids: list[int], user) -> set[int]:
    """Of these listed threads, those a page shows this reader: build_nodes keeps a thread when any of its
    comments is visible (a spam root without visible replies is left out)."""
    if not tree_ids:
        return set()
    return Comment.objects.in_threads(tree_ids).visible_to(user).thread_ids()
