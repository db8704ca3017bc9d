"""The benchmark's code on tiny discussions, so that `make bench` cannot rot. No timing is asserted."""

import pytest
from django.conf import settings

from bench import shape
from bench.bench_discussion import format_report, results_json, run_tribune, run_xtd, xtd_ratio_lines
from bench.targets import evaluate, format_targets
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
    # A warm page of threads comes from the process's memory with the reader's marks, and their permissions
    # from the cache: four queries spared (threads, comments, the reader's votes and comments, permissions).
    assert counts[("logged in, warm fragments", 40)] == counts[("logged in, cold", 40)] - 4
    assert counts[("logged in, warm fragments", 20)] == counts[("logged in, warm fragments", 40)]


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


def test_bench_targets_table_checks_the_tiny_run(results, tmp_path):
    pages, posting = results
    xtd_rows = run_xtd(size=40, repeat=1, warmup=0, seed=SEED, workdir=tmp_path)

    targets = evaluate(results_json(pages, posting, xtd_rows), None, compare=40)
    report = format_targets(targets)

    by_name = {t.name: t for t in targets}
    # every Tribune row of the 40 on one page is compared with xtd, cold against 5x and warm against 20x
    assert by_name[
        "per shown comment vs xtd, Tribune, 40 comments, all threads on one page, anonymous, cold"
    ].goal == ("≥ 5x")
    assert by_name[
        "per shown comment vs xtd, Tribune, 40 comments, all threads on one page, anonymous, warm fragments"
    ].goal == ("≥ 20x")
    assert by_name[f"queries, every page row ({len(pages)})"].met  # 3 or 4 anonymous, 9 logged in
    assert by_name["first page p50, 10,000 comments"].verdict == "no figure"  # not in this run
    assert by_name["HTTP: anonymous vs trivial view"].verdict == "no figure"
    verdicts = [line.rsplit("  ", 1)[-1] for line in report.splitlines()[3:-1]]
    assert len(verdicts) == len(targets)
    assert set(verdicts) <= {"met", "not met", "no figure", "figure"} and {"met"} <= set(verdicts)
    counted = [t for t in targets if t.counted]
    assert report.splitlines()[-1] == f"{sum(1 for t in counted if t.met)} of {len(counted)} met"


def row(label: str, reader: str, median: float, *, size: int = 10_000, queries: int = 3, shown: int = 400):
    return {
        "label": label,
        "size": size,
        "reader": reader,
        "median_ms": median,
        "queries": queries,
        "shown": shown,
    }


def test_targets_find_rows_by_their_labels_whatever_the_row_set():
    pages = [
        row("Tribune, 10,000 comments", "anonymous", 40.0),
        row("Tribune, 10,000 comments", "logged in", 120.0, queries=11),
        row("Tribune, 10,000 comments, warm fragments", "anonymous", 10.0),
        row("Tribune, 10,000 comments, warm fragments", "logged in", 15.0, queries=9),
        row("Tribune, 1,000 comments, all threads on one page", "anonymous", 100.0, size=1000, shown=1000),
    ]
    results = {
        "pages": pages,
        "xtd": [{"reader": "anonymous", "median": 1000.0, "shown": 2000}],
        "posting": None,
    }
    http = {
        "rows": [
            {"label": "trivial view", "requests_per_second": 1000.0},
            {"label": "anonymous", "requests_per_second": 900.0},
            {"label": "logged in", "requests_per_second": 300.0},
        ]
    }

    by_name = {t.name: t for t in evaluate(results, http, compare=1000)}

    assert by_name["first page p50, Tribune, 10,000 comments, anonymous"].met
    assert not by_name["first page p50, Tribune, 10,000 comments, logged in"].met
    assert by_name["first page p50, Tribune, 10,000 comments, warm fragments, logged in"].met
    assert by_name["first page p50, 100,000 comments"].met is None
    cold = by_name["logged in vs anonymous, Tribune, 10,000 comments, logged in"]
    assert (cold.measured, cold.met) == ("3.00x (cold)", False)
    warm = by_name["logged in vs anonymous, Tribune, 10,000 comments, warm fragments, logged in"]
    assert (warm.measured, warm.met) == ("1.50x (warm)", True)
    # xtd: 0.5 ms per shown comment, Tribune 0.1 ms: 5x, the cold target exactly
    xtd = by_name["per shown comment vs xtd, Tribune, 1,000 comments, all threads on one page, anonymous"]
    assert (xtd.measured, xtd.met) == ("5.0x", True)
    queries = by_name["queries, every page row (5)"]
    assert not queries.met and queries.measured.endswith("; 1 rows over")
    assert by_name["posting a reply, p50"].met is None
    assert by_name["HTTP: anonymous vs trivial view"].met  # 90% ≥ 80%
    logged_in = by_name["HTTP: logged in vs anonymous"]  # a figure beside the targets, not one of them
    assert (logged_in.measured, logged_in.verdict) == ("3.00x the time per request", "figure")
