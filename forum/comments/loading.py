"""Bounded loads: the comments a page shows, in one query, however large or deep the thread.

A recursive CTE starts from the page's top rows (the roots of a page of threads, a comment, or a run of a
comment's replies) and walks down breadth first, taking at each comment its first replies_per_level(depth)
replies in the page's sort, down to the display depth, and stops at COMMENTS_PAGE_BUDGET rows. Each row
counts its listed replies, so "Show N more replies" needs no query. PostgreSQL and SQLite both run a
recursive CTE breadth first.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from forum.comments.models import Comment, Vote, readable_statuses
from forum.comments.sorting import SORTS, after_sibling

# The statuses whose text only the author (and moderators) may read: their author sees another page.
WITHHELD_FROM_OTHERS = sorted(
    readable_statuses(own=True, moderator=False) - readable_statuses(own=False, moderator=False)
)


@dataclass(frozen=True)
class ReaderMarks:
    """What of a reader's own shows on an article's discussion."""

    voted: frozenset[int] = frozenset()  # the comments they up-voted
    sees_own_withheld: bool = False  # a comment of theirs shows to them (and moderators) alone


def reader_marks(article, user) -> ReaderMarks:
    """The reader's votes on the article's comments, and whether any of their comments there is withheld
    from others, in one query (none for an anonymous reader) that reads their votes and their comments by
    the indexes on each, whatever the size of the discussion."""
    if not user.is_authenticated:
        return ReaderMarks()
    votes = (
        Vote.objects.filter(user=user, comment__article=article)
        .order_by()
        .values_list("comment_id", Value(True), Value(""))
    )
    own = (
        Comment.objects.filter(author=user, article=article)
        .order_by()
        .values_list("pk", Value(False), "status")
    )
    voted, withheld = set(), False
    for pk, is_vote, status in votes.union(own, all=True):
        if is_vote:
            voted.add(pk)
        withheld = withheld or status in WITHHELD_FROM_OTHERS
    return ReaderMarks(voted=frozenset(voted), sees_own_withheld=withheld)


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


def listed_replies(user, sort: str) -> QuerySet[Comment]:
    return Comment.objects.listed_to(user).order_by(*SORTS[sort])


def _walk_step(user, sort: str) -> tuple[str, list]:
    """The recursive term of the walk over `shown(id, depth, expand)`: the first replies of each row expanded,
    by its depth, above the display depth. SQL and its parameters.

    In the oldest and newest sorts the database reads those replies alone, from the index on the replies'
    order, however many replies a comment has ("top" sorts each comment's replies once): PostgreSQL by a
    LATERAL subquery per row whose LIMIT follows the row's depth; SQLite, which has neither LATERAL nor a
    LIMIT that reads a row, by one subquery per depth under a single IN, whose ids it reads by primary key
    (given an OR of one IN per depth, its planner may scan the whole table for each row instead)."""
    replies = listed_replies(user, sort).filter(parent_id=RawSQL("shown.id", ())).values("id")
    levels = len(settings.COMMENTS_REPLIES_PER_LEVEL)
    where = "shown.expand = 1 AND shown.depth + 1 < %s"
    if connection.vendor == "postgresql":
        first, first_params = _sql(replies)  # Django ends it with its ORDER BY: the LIMIT goes after it
        cases = " ".join("WHEN shown.depth + 1 = %s THEN %s" for _ in range(1, levels))
        limits = [p for depth in range(1, levels) for p in (depth, replies_per_level(depth))]
        sql = (
            f" UNION ALL SELECT c.id, shown.depth + 1, 1 FROM shown CROSS JOIN LATERAL"
            f" ({first} LIMIT CASE {cases} ELSE %s END) AS c WHERE {where}"
        )
        return sql, [*first_params, *limits, replies_per_level(levels), settings.COMMENTS_DISPLAY_DEPTH]
    branches, params = [], []
    for depth in range(1, levels + 1):
        test = "=" if depth < levels else ">="
        at_depth = RawSQL(f"shown.depth + 1 {test} %s", (depth,), output_field=BooleanField())
        branch, branch_params = _sql(replies.filter(at_depth)[: replies_per_level(depth)])
        branches.append(f"SELECT id FROM ({branch}) AS d{depth}")
        params += branch_params
    table = connection.ops.quote_name(Comment._meta.db_table)
    first = " UNION ALL ".join(branches)
    sql = f" UNION ALL SELECT c.id, shown.depth + 1, 1 FROM shown JOIN {table} c ON c.id IN ({first})"
    return f"{sql} WHERE {where}", [*params, settings.COMMENTS_DISPLAY_DEPTH]


def _inner_limit() -> str:
    """SQLite stops a recursive CTE by a LIMIT on its recursive term; PostgreSQL by the consumer's LIMIT."""
    return " LIMIT %s" if connection.vendor == "sqlite" else ""


def bounded_comments(
    user, sort: str, anchors: list[tuple[str, tuple]], offset: int = 0, *, with_votes: bool = True
) -> list[Comment]:
    """The comments a bounded page shows, in one query, in tree order.

    `anchors` select the page's top rows as (id, depth, expand); a row's depth is its depth + `offset`.
    With `with_votes`, each comment says whether this reader up-voted it (`viewer_voted`); a page shared by
    an audience (prepared.py) leaves that to the reader's marks."""
    budget = settings.COMMENTS_PAGE_BUDGET
    step, step_params = _walk_step(user, sort)
    anchor_sql = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS a{n}" for n, (sql, _) in enumerate(anchors))
    anchor_params = [p for _, anchor in anchors for p in anchor]
    inner_limit = _inner_limit()
    sql = (
        "WITH RECURSIVE shown(id, depth, expand) AS ("
        f"SELECT id, depth, expand FROM ({anchor_sql}) AS anchors{step}{inner_limit}"
        ") SELECT id FROM shown LIMIT %s"
    )
    all_params = [*anchor_params, *step_params, *([budget] if inner_limit else []), budget]
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
        # "Continue this thread (N replies)" below the display depth counts what this reader may see there.
        .with_visible_reply_count(user, at_depth=settings.COMMENTS_DISPLAY_DEPTH - 1 - offset)
        .in_tree_order()
    )
    loaded = list(with_viewer_votes(comments, user) if with_votes else comments)
    if len(loaded) >= budget:
        loaded = _without_partial_last_level(loaded, offset)
    return loaded


def _without_partial_last_level(comments: list[Comment], offset: int) -> list[Comment]:
    """When the budget cut the walk, the deepest level loaded may hold only some of a comment's first replies
    (the database emits a level in no particular order): drop those, so every comment shows a prefix of its
    replies in the page's sort and "Show N more replies" goes on from there."""
    deepest = max(c.depth for c in comments)
    loaded: dict[int, int] = {}
    for comment in comments:
        if comment.depth == deepest:
            loaded[comment.parent_id] = loaded.get(comment.parent_id, 0) + 1
    wanted = replies_per_level(deepest + offset)
    by_id = {c.pk: c for c in comments}
    partial = {
        parent_id
        for parent_id, count in loaded.items()
        if parent_id in by_id and count < min(wanted, by_id[parent_id].listed_replies)
    }
    return [c for c in comments if not (c.depth == deepest and c.parent_id in partial)]


def roots_anchor(thread_ids: list[int]) -> tuple[str, tuple]:
    roots = Comment.objects.roots_of(thread_ids).order_by()
    return _sql(roots.annotate(depth=Value(0), expand=Value(1)).values("id", "depth", "expand"))


def comment_anchor(comment: Comment, *, expand: bool) -> tuple[str, tuple]:
    row = Comment.objects.filter(pk=comment.pk).order_by()
    return _sql(row.annotate(depth=Value(0), expand=Value(int(expand))).values("id", "depth", "expand"))


def replies_anchor(parent: Comment, user, sort: str, depth: int, after: Comment | None):
    replies = listed_replies(user, sort).filter(parent=parent)
    if after is not None:
        replies = replies.filter(after_sibling(sort, after))
    replies = replies.annotate(depth=Value(depth), expand=Value(1)).values("id", "depth", "expand")
    return _sql(replies[: replies_per_level(depth)])


def thread_comments(thread_ids: list[int], user, sort: str, *, with_votes: bool = True) -> list[Comment]:
    """The comments a page shows of these threads, bounded."""
    return bounded_comments(user, sort, [roots_anchor(thread_ids)], with_votes=with_votes)


def voted_in(comments: list[Comment]) -> frozenset[int]:
    """The comments the reader up-voted, from the annotation of a load `with_votes`."""
    return frozenset(c.pk for c in comments if getattr(c, "viewer_voted", False))
