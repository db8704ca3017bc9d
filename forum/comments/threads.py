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
    reply_count: int = 0  # every descendant shown
    placeholder: str = ""  # "hidden" or "deleted": render the notice instead of the text
    continue_thread: bool = False  # replies exist below the display depth
    close_count: int = 0  # how many open threads (ancestors with replies shown) end after this node
    when: str = ""  # the posting time as shown, e.g. "31 Mar 2023, 19:12" (what |date:"j M Y, H:i" gives)
    kept: bool = field(default=False, repr=False)  # shown, as itself or as a placeholder (see _prune)

    @property
    def has_replies(self) -> bool:
        return bool(self.replies) and not self.continue_thread

    @property
    def closes(self) -> range:
        return range(self.close_count)


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

    _format_times(by_id.values())
    _prune(list(by_id.values()), user, can_moderate)
    roots = [root for root in roots if root.kept]
    return _flatten(roots, _sort_key(sort), settings.COMMENTS_DISPLAY_DEPTH)


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
        elif node.replies:
            node.placeholder = "hidden"
            node.kept = True


def _flatten(roots: list[Node], key, max_depth: int) -> list[Node]:
    """The nodes in display order, down to the display depth, each sibling list sorted; the last node of a
    thread closes it (and every enclosing thread it is the last of). Iterative, like _prune."""
    flat: list[Node] = []
    roots.sort(key=key)
    stack: list[Node | None] = list(reversed(roots))  # None: the thread opened last ends here
    while stack:
        node = stack.pop()
        if node is None:
            flat[-1].close_count += 1
            continue
        flat.append(node)
        if not node.replies:
            continue
        node.replies.sort(key=key)
        if node.depth >= max_depth - 1:
            node.continue_thread = True
            continue
        stack.append(None)
        stack.extend(reversed(node.replies))
    return flat


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


def _tree_comments(tree_ids: list[int], user) -> QuerySet[Comment]:
    comments = Comment.objects.in_threads(tree_ids).select_related("author").in_tree_order()
    return with_viewer_votes(comments, user)


def discussion_page(article: Article, user, *, sort: str = DEFAULT_SORT, page_number=1) -> Discussion:
    """One page of top-level threads with all their replies, in a constant number of queries."""
    sort = parse_sort(sort)
    number = parse_page(page_number)
    pages = thread_pages(article, user, sort)
    tree_ids = pages[number - 1] if number <= len(pages) else []
    comments = list(_tree_comments(tree_ids, user)) if tree_ids else []
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


def subtree(comment: Comment, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """A comment with its replies (the permalink page and "Continue this thread")."""
    sort = parse_sort(sort)
    comments = list(
        with_viewer_votes(comment.replies(include_self=True), user).select_related("author").in_tree_order()
    )
    nodes = build_nodes(comments, user, sort, base_depth=comment.depth)
    ancestors = listed_ancestors(comment)
    return Discussion(article=comment.article, sort=sort, nodes=nodes, focus=comment, ancestors=ancestors)


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
    nodes = build_nodes(list(_tree_comments([tree_id], user)), user, sort)
    return Discussion(article=article, sort=sort, nodes=nodes)


def continuation(comment: Comment, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """The replies below a comment at the display depth ("Continue this thread")."""
    sort = parse_sort(sort)
    comments = list(with_viewer_votes(comment.replies(), user).select_related("author").in_tree_order())
    nodes = build_nodes(comments, user, sort, base_depth=comment.depth + 1)
    ancestors = [*listed_ancestors(comment), comment]
    return Discussion(article=comment.article, sort=sort, nodes=nodes, focus=comment, ancestors=ancestors)


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
