"""The benchmark's code on tiny discussions, so that `make bench` cannot rot. No timing is asserted."""

import pytest
from django.conf import settings

from bench import shape
from bench.bench_discussion import format_report, run_tribune, run_xtd, xtd_ratio_lines
from bench.xtd.settings import COMMENTS_XTD_MAX_THREAD_LEVEL
from forum.comments.integrity import check_all_trees
from forum.comments.models import Comment

SEED = 2024


def shown_to_anonymous(size: int) -> int:
    """Comments on the page: all but pending ones, down to the display depth (one page of threads)."""
    nodes = shape.make_shape(size, SEED)
    return sum(1 for n in nodes if n.status != shape.PENDING and n.level < settings.COMMENTS_DISPLAY_DEPTH)


@pytest.fixture
def results(db):
    return run_tribune(sizes=[20, 40], compare=40, repeat=1, warmup=0, replies=3, seed=SEED)


def test_bench_builds_valid_trees_of_the_planned_shape(results):
    for size in (20, 40):
        nodes = shape.make_shape(size, SEED)

        comments = Comment.objects.filter(article__slug=f"bench-{size}")

        assert comments.count() == size + (3 if size == 40 else 0)  # the 40 also got the posted replies
        assert comments.filter(level=0).count() == sum(1 for n in nodes if n.parent is None)
    assert check_all_trees() == []


def test_bench_page_rows_count_what_the_reader_sees(results):
    pages, _posting = results

    anonymous = {(p.size, p.label): p for p in pages if p.reader == "anonymous, cold"}

    assert sorted(anonymous) == [
        (20, "Tribune, 20 comments"),
        (40, "Tribune, 40 comments"),
        (40, "Tribune, 40 comments, all threads on one page"),
    ]
    for (size, _label), page in anonymous.items():
        assert page.shown == shown_to_anonymous(size)
        assert page.threads_shown == page.threads
        assert len(page.timing.samples) == 1


def test_bench_page_query_count_does_not_grow_with_the_discussion(results):
    pages, _posting = results

    counts = {(p.reader, p.size): p.queries for p in pages}

    assert counts[("anonymous, cold", 20)] == counts[("anonymous, cold", 40)] > 0
    assert counts[("anonymous, warm fragments", 20)] == counts[("anonymous, warm fragments", 40)] > 0
    assert counts[("anonymous, whole-page cache", 40)] == 0
    assert (
        counts[("logged in, cold", 20)] == counts[("logged in, cold", 40)] > counts[("anonymous, cold", 20)]
    )
    assert counts[("logged in, warm fragments", 40)] == counts[("logged in, cold", 40)]


def test_bench_warm_rows_show_the_same_comments_as_the_cold_ones(results):
    pages, _posting = results

    shown = {(p.label, p.reader): p.shown for p in pages}

    for (label, reader), count in shown.items():
        assert count == shown[(label, f"{reader.split(',')[0]}, cold")]


def test_bench_posting_separates_tree_maintenance(results):
    _pages, posting = results

    assert len(posting.total.samples) == 3
    # Every reply shifts at least its parent's rght: the UPDATE was recognised and timed.
    assert min(posting.rows_shifted) >= 1
    assert all(
        0 < tree < total for tree, total in zip(posting.tree.samples, posting.total.samples, strict=True)
    )


def test_bench_report_prints_every_row(results):
    pages, posting = results

    report = format_report(pages, posting, [], repeat=1, warmup=0, compare=40)

    lines = report.splitlines()
    assert lines[0] == "Article page: GET /articles/<slug>/, 1 timed runs after 0 warm-up runs per row"
    # Three page variants (20, 40, 40 on one page) for anonymous cold, warm fragments and whole page, and
    # logged in cold and warm fragments.
    assert sum(1 for line in lines if line.startswith("Tribune, ")) == 15
    assert (
        "Posting a reply into the 40-comment discussion: post_comment(), 3 replies to random comments"
        in lines
    )


def test_bench_report_compares_with_xtd_cold_and_warm(results):
    pages, _posting = results
    row = {"size": 40, "shown": 30, "threads": 10, "median": 100.0, "p95": 120.0, "cpu": 90.0, "queries": 60}
    xtd = [{**row, "reader": reader} for reader in ("anonymous", "logged in")]

    lines = xtd_ratio_lines(pages, xtd, 40)

    assert [line.split(": ")[0] for line in lines] == [
        "django-comments-xtd's time / Tribune's, 40 comments, all threads on one page, cold",
        "django-comments-xtd's time / Tribune's, 40 comments, all threads on one page, warm",
        "django-comments-xtd's time / Tribune's, 40 comments, page 1 as served, cold",
        "django-comments-xtd's time / Tribune's, 40 comments, page 1 as served, warm",
    ]
    assert "anonymous, cold" in lines[0] and "logged in, cold" in lines[0] and "warm" not in lines[0]
    assert "anonymous, warm fragments" in lines[1] and "anonymous, whole-page cache" in lines[1]


def test_bench_xtd_project_renders_the_same_tree(tmp_path):
    nodes = shape.make_shape(30, SEED)
    removed = {n.index for n in nodes if n.status in (shape.DELETED, shape.HIDDEN)}

    def shown(node: shape.Node) -> bool:  # xtd hides pending comments and the replies of removed ones
        if node.status == shape.PENDING:
            return False
        while node.parent is not None:
            node = shape.capped_parent(nodes, node, COMMENTS_XTD_MAX_THREAD_LEVEL)
            if node.index in removed:
                return False
        return True

    rows = run_xtd(size=30, repeat=1, warmup=0, seed=SEED, workdir=tmp_path)

    assert [row["reader"] for row in rows] == ["anonymous", "logged in"]
    for row in rows:
        assert row["shown"] == sum(1 for n in nodes if shown(n))
        assert row["threads"] == sum(1 for n in nodes if n.parent is None and n.status != shape.PENDING)
        assert row["queries"] > row["shown"]  # its thread tag queries once per comment at least
