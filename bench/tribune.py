"""Tribune's side of the benchmark: build discussions in bulk, time the article page and posting.

Needs a configured Django (bench.settings from bench_discussion.py, or the test settings in the smoke test).
"""

import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from articles.models import Article
from bench import shape
from bench.measure import Timing, count_matches, count_queries, percentile, time_get
from bench.texts import make_bodies
from forum.accounts.models import User
from forum.accounts.permissions import permissions_changed
from forum.comments.models import Comment, Vote, refresh_planner_statistics
from forum.comments.posting import post_comment, refresh_comment_count
from forum.comments.versions import discussion_changed
from forum.lib.markdown import render_comment

READERS = 300  # distinct authors in a discussion
COMMENT_HTML = r'<article class="comment[ "]'  # one per comment (HTML contract, docs/architecture.md)
STATUS = {
    shape.PUBLISHED: Comment.Status.PUBLISHED,
    shape.DELETED: Comment.Status.DELETED,
    shape.HIDDEN: Comment.Status.HIDDEN,
    shape.PENDING: Comment.Status.PENDING,
}


@dataclass
class Discussion:
    article: Article
    size: int
    threads: int
    nodes: list[shape.Node]


@dataclass
class PageResult:
    label: str
    size: int
    reader: str  # "anonymous" or "logged in"
    shown: int  # comments rendered on the page
    threads_shown: int
    threads: int
    timing: Timing
    queries: int


@dataclass
class PostingResult:
    size: int
    total: Timing
    tree: Timing  # django-mptt's tree maintenance: the parent's refresh and the lft/rght shift
    queries: list[int] = field(default_factory=list)
    rows_shifted: list[int] = field(default_factory=list)


def make_readers(count: int = READERS) -> list[User]:
    """Readers without passwords (the benchmark logs in with force_login)."""
    start = User.objects.count()
    users = [
        User(username=f"bench{start + i}", email=f"bench{start + i}@example.com", display_name=f"Reader {i}")
        for i in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    return User.objects.bulk_create(users)


def build_discussion(size: int, readers: list[User], *, slug: str, seed: int = 2024) -> Discussion:
    """One article with `size` comments in the shape of bench.shape, inserted in bulk.

    Tree fields are computed here (each top-level comment roots its own tree, lft/rght numbered 1..2n), so
    no comment goes through django-mptt's save: a level at a time, parents before their replies.
    """
    rng = random.Random(seed + size)
    now = timezone.now()
    article = Article.objects.create(
        title=f"Benchmark article with {size:,} comments",
        slug=slug,
        standfirst="A discussion built for the benchmark.",
        body="First paragraph of the article.\n\nSecond paragraph, with *emphasis* and a [link](https://example.org).",
        author=readers[0],
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(days=1),
    )
    nodes = shape.make_shape(size, seed)
    bounds = shape.nested_sets(nodes)
    bodies = make_bodies()
    rendered = [render_comment(body) for body in bodies]
    first_tree = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    tree_ids = {}
    for node in nodes:
        if node.parent is None:
            tree_ids[node.index] = first_tree + len(tree_ids)
    step = timedelta(hours=23) / max(size, 1)
    start = now - timedelta(days=1)
    pks: dict[int, int] = {}
    with transaction.atomic():
        for level in range(max(node.level for node in nodes) + 1):
            batch = [node for node in nodes if node.level == level]
            comments = []
            for node in batch:
                text = rng.randrange(len(bodies))
                imported = rng.random() < 0.03
                status = STATUS[node.status]
                lft, rght = bounds[node.index]
                comments.append(
                    Comment(
                        article=article,
                        parent_id=pks.get(node.parent),
                        author=None if imported else rng.choice(readers),
                        author_name="Imported guest" if imported else "",
                        body="" if status == Comment.Status.DELETED else bodies[text],
                        body_html="" if status == Comment.Status.DELETED else rendered[text],
                        status=status,
                        created_at=start + step * node.index,
                        score=0 if rng.random() < 0.6 else int(rng.expovariate(1 / 4)),
                        tree_id=tree_ids[node.thread],
                        lft=lft,
                        rght=rght,
                        level=level,
                    )
                )
            for node, comment in zip(
                batch, Comment.objects.bulk_create(comments, batch_size=500), strict=True
            ):
                pks[node.index] = comment.pk
        # The logged-in reader has up-voted one comment in twenty.
        voter = readers[1]
        Vote.objects.bulk_create(
            [Vote(comment_id=pks[node.index], user=voter) for node in nodes if node.index % 20 == 3]
        )
        refresh_comment_count(article.pk)
    refresh_planner_statistics()
    return Discussion(
        article=article, size=size, threads=sum(1 for n in nodes if n.parent is None), nodes=nodes
    )


# How a timed GET finds the caches: "cold" starts every GET with empty caches (a new PAGE_CACHE_RELEASE, the
# discussion's version and the permissions' version retired: no cached page, no page of threads kept in
# memory, no cached comment fragment, every comment rendered, the reader's permissions read); "fragments"
# keeps what the warm-up cached and kept (the fragments, the page of threads with its HTML) but bypasses the
# anonymous page cache (an extra query parameter makes the page uncacheable); "page" serves the anonymous
# page whole from the page cache.
CACHE_STATES = {"cold": "cold", "fragments": "warm fragments", "page": "whole-page cache"}
COLD_RELEASES = itertools.count()  # one for the whole run: no row finds what another row cached


def measure_page(
    discussion: Discussion,
    *,
    reader: User | None,
    repeat: int,
    warmup: int,
    label: str,
    all_threads: bool = False,
    cache: str = "cold",
) -> PageResult:
    """Median/p95 of GET /articles/<slug>/ and its query count, for an anonymous or logged-in reader, with
    the caches as `cache` (CACHE_STATES) says. Emptying the caches is a new release and a version bump, not a
    cache clear: the test suite shares the cache between workers."""
    if cache not in CACHE_STATES or (cache == "page" and reader is not None):
        raise ValueError(f"no such cache state for this reader: {cache!r}")
    client = Client()
    if reader is not None:
        client.force_login(reader)
    url = discussion.article.get_absolute_url()
    if cache == "fragments":
        url += "?bench=fragments"  # not a page parameter: forum/page_cache.py renders it every time
    per_page = discussion.threads if all_threads else settings.COMMENTS_THREADS_PER_PAGE
    budget = discussion.size if all_threads else settings.COMMENTS_PAGE_BUDGET

    def empty_caches() -> None:
        settings.PAGE_CACHE_RELEASE = f"bench-cold-{next(COLD_RELEASES)}"  # every cache key is new
        discussion_changed(discussion.article.pk)
        permissions_changed()  # the reader's permissions are read again too

    cold = cache == "cold"
    with override_settings(
        COMMENTS_THREADS_PER_PAGE=per_page, COMMENTS_PAGE_BUDGET=budget, PAGE_CACHE_RELEASE="bench"
    ):
        empty_caches()
        queries, html = count_queries(client, url)
        timing = time_get(
            client,
            url,
            repeat=repeat,
            warmup=warmup if cold else max(warmup, 1),
            before=empty_caches if cold else None,
        )
        if not cold:
            queries, html = count_queries(client, url)
    reader_label = "anonymous" if reader is None else "logged in"
    return PageResult(
        label=label,
        size=discussion.size,
        reader=f"{reader_label}, {CACHE_STATES[cache]}",
        shown=count_matches(COMMENT_HTML, html),
        threads_shown=count_matches(r'data-depth="0"', html),
        threads=discussion.threads,
        timing=timing,
        queries=queries,
    )


class _QueryTimer:
    """A connection.execute_wrapper that times django-mptt's tree maintenance apart from other queries."""

    def __init__(self):
        table = connection.ops.quote_name(Comment._meta.db_table)
        columns = ", ".join(
            f"{table}.{connection.ops.quote_name(f)} AS {connection.ops.quote_name(f)}"
            for f in ("lft", "rght", "level", "tree_id")
        )
        self.refresh_prefix = f"SELECT {columns} FROM {table} WHERE"  # mptt's _mptt_refresh of the parent
        self.shift_prefix = f"UPDATE {table} SET {connection.ops.quote_name('lft')} = CASE"  # _manage_space
        self.reset()

    def reset(self) -> None:
        self.tree_seconds = 0.0
        self.queries = 0
        self.rows_shifted = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.queries += 1
            statement = " ".join(sql.split())
            if statement.startswith(self.shift_prefix):
                self.tree_seconds += elapsed
                self.rows_shifted += max(context["cursor"].rowcount, 0)
            elif statement.startswith(self.refresh_prefix):
                self.tree_seconds += elapsed


def measure_posting(
    discussion: Discussion, readers: list[User], *, replies: int, seed: int = 99
) -> PostingResult:
    """post_comment() of `replies` replies to random published comments of the discussion."""
    rng = random.Random(seed)
    article = Article.objects.get(pk=discussion.article.pk)
    parents = list(
        Comment.objects.filter(article=article, status=Comment.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    body = make_bodies(1, seed)[0]
    timer = _QueryTimer()
    totals, trees, queries, shifted = [], [], [], []
    for number in range(replies):
        parent = Comment.objects.get(pk=rng.choice(parents))
        author = rng.choice(readers)
        timer.reset()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            post_comment(article=article, author=author, parent=parent, body=f"{body}\n\nReply {number}.")
            totals.append((time.perf_counter() - start) * 1000)
        trees.append(timer.tree_seconds * 1000)
        queries.append(timer.queries)
        shifted.append(timer.rows_shifted)
    return PostingResult(
        size=discussion.size, total=Timing(totals), tree=Timing(trees), queries=queries, rows_shifted=shifted
    )


def median_int(values: list[int]) -> int:
    return round(percentile(values, 50))
