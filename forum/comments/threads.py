"""A page of discussion threads, and the other bounded views of a discussion (a comment's page, "Continue
this thread", "Show N more replies", one thread re-rendered): each loads its comments with one bounded query
(loading.py), lays them out as nodes (nodes.py), and returns a Discussion for the templates.

Which threads a page holds, and which page holds a comment, is paging.py; the sorts are sorting.py.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import cached_property

from articles.models import Article
from forum.comments import prepared
from forum.comments.loading import (
    bounded_comments,
    comment_anchor,
    replies_anchor,
    thread_comments,
    voted_in,
)
from forum.comments.models import Comment
from forum.comments.nodes import Node, build_nodes
from forum.comments.paging import parse_page, thread_pages
from forum.comments.prepared import PreparedPage
from forum.comments.sorting import DEFAULT_SORT, after_sibling, parse_sort, sort_key
from forum.comments.versions import discussion_version

# Above a comment's own page, its thread's root and this many nearest ancestors are listed, however deep the
# comment lies; "Continue up the thread" opens the nearest one left out.
NEAREST_ANCESTORS = 4


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
    voted: frozenset[int] = frozenset()  # the comments of the page the reader up-voted
    prepared: PreparedPage | None = None  # the nodes as the reader's audience shares them (prepared.py)

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
        if len(self.ancestors) > 1 and self.ancestors[1].depth > 1:
            return self.ancestors[1].parent_id
        return None

    @property
    def ancestors_left_out(self) -> int:
        return self.ancestors[1].depth - 1 if self.earlier_ancestor else 0

    @property
    def enhanced(self) -> bool:
        """htmx swaps threads in place on the article page; other pages use plain forms."""
        return self.focus is None


def discussion_page(article: Article, user, *, sort: str = DEFAULT_SORT, page_number=1) -> Discussion:
    """One page of top-level threads with their replies, bounded, in a constant number of queries: from this
    process's memory when the reader's audience had it last (prepared.py)."""
    sort = parse_sort(sort)
    number = parse_page(page_number)
    version = discussion_version(article.pk)
    marks = prepared.kept_marks(article, user, version)

    def build() -> PreparedPage:
        pages = thread_pages(article, user, sort, through=number)
        thread_ids = pages[number - 1] if number <= len(pages) else []
        comments = thread_comments(thread_ids, user, sort, with_votes=False) if thread_ids else []
        return PreparedPage(nodes=build_nodes(comments, user, sort), has_more=number < len(pages))

    page = prepared.prepared_page(article.pk, version, prepared.audience(user, marks), sort, number, build)
    return Discussion(
        article=article,
        sort=sort,
        nodes=page.nodes,
        page_number=number,
        has_more=page.has_more,
        voted=marks.voted,
        prepared=page,
    )


def subtree(comment: Comment, user, *, sort: str = DEFAULT_SORT, after: Comment | None = None) -> Discussion:
    """A comment with its replies, bounded like a page (the permalink page). With `after`, one of its replies:
    only the replies that follow it in this sort ("Show N more replies" without JavaScript)."""
    sort = parse_sort(sort)
    if after is None:
        anchors = [comment_anchor(comment, expand=True)]
    else:
        anchors = [comment_anchor(comment, expand=False), replies_anchor(comment, user, sort, 1, after)]
    comments = bounded_comments(user, sort, anchors, offset=-comment.depth)
    nodes = build_nodes(comments, user, sort, base_depth=comment.depth)
    if after is not None and nodes and nodes[0].comment.pk == comment.pk:
        _count_more_after(nodes[0], user, sort, after)
    ancestors = listed_ancestors(comment)
    return Discussion(
        article=comment.article,
        sort=sort,
        nodes=nodes,
        focus=comment,
        ancestors=ancestors,
        voted=voted_in(comments),
    )


def more_replies(
    parent: Comment, user, *, sort: str = DEFAULT_SORT, after: Comment | None = None
) -> Discussion:
    """The next replies of `parent` after the reply `after` (from the first when None), each with its replies,
    bounded like a page, as the article page shows them: what "Show N more replies" appends in place."""
    sort = parse_sort(sort)
    comments = bounded_comments(user, sort, [replies_anchor(parent, user, sort, parent.depth + 1, after)])
    nodes = build_nodes(comments, user, sort)
    rest = _rest_of_replies(parent, [n for n in nodes if n.depth == parent.depth + 1], user, sort, after)
    return Discussion(article=parent.article, sort=sort, nodes=nodes, more=rest, voted=voted_in(comments))


def _rest_of_replies(parent: Comment, shown: list[Node], user, sort: str, after: Comment | None) -> Node:
    """`parent` as the owner of the "Show N more replies" link below its replies `shown` (loaded after
    `after`): rendered by _more_replies.html, not as a comment."""
    rest = Node(comment=parent, depth=parent.depth, fetched=len(shown))
    last = max(shown, key=sort_key(sort), default=None)
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
    nearest = comment.depth - NEAREST_ANCESTORS
    return list(comment.ancestors().roots_and_from_depth(nearest).select_related("author"))


def thread(article: Article, thread_id: int, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """One top-level thread, as the article page shows it (re-rendered after an htmx write)."""
    sort = parse_sort(sort)
    comments = thread_comments([thread_id], user, sort)
    nodes = build_nodes(comments, user, sort)
    return Discussion(article=article, sort=sort, nodes=nodes, voted=voted_in(comments))


def continuation(comment: Comment, user, *, sort: str = DEFAULT_SORT) -> Discussion:
    """The replies below a comment at the display depth ("Continue this thread"), bounded like a page."""
    sort = parse_sort(sort)
    anchors = [replies_anchor(comment, user, sort, 0, None)]
    comments = bounded_comments(user, sort, anchors, offset=-(comment.depth + 1))
    nodes = build_nodes(comments, user, sort, base_depth=comment.depth + 1)
    ancestors = [*listed_ancestors(comment), comment]
    parent = _rest_of_replies(comment, [n for n in nodes if n.depth == 0], user, sort, None)
    return Discussion(
        article=comment.article,
        sort=sort,
        nodes=nodes,
        focus=comment,
        ancestors=ancestors,
        more=parent,
        voted=voted_in(comments),
    )
