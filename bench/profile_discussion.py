"""Where the time of the 1,000-comment article page goes: `make bench-profile`.

Builds the 1,000-comment discussion of the benchmark (--size N for another) on a temporary SQLite file (or a
test database beside DATABASE_URL) and prints, for an anonymous and a logged-in reader, the fastest of
--repeat runs of each phase in CPU time: its milliseconds, its share of the whole GET and its microseconds
per shown comment. Every GET has an extra query parameter, so the anonymous page cache never serves it.
1. The cold page, every cache empty before each run (a new PAGE_CACHE_RELEASE and a version bump, as
   bench/tribune.py measure_page does): the whole GET; discussion_page() with its roots query, the reader's
   marks, the thread query with model instances and build_nodes(); build_viewer() (forum/pages.py);
   build_skeleton() with every fragment rendered, beside the fragment render alone, and build_skeleton()
   and the fragment lookup on a warm cache; rows_for_all() (the rows any reader of the viewer's kind gets);
   and the rest.
2. The warm page, the page of threads and its HTML kept in the process (forum/comments/prepared.py): the
   whole GET; discussion_page() with the version's read, kept_marks() and prepared_page()'s lookup;
   build_viewer(); render_nodes() on the kept page with viewer.marked(), the marked rows rendered for the
   viewer (rendered_rows) and the join with the CSRF token put in; and the rest (the article, the base
   template, the form, the middleware), the whole minus those.
3. What constructs of comments/_comment_actions.html cost in the rows of the viewer's kind: rows_for_all()
   re-rendered with one construct of the template replaced by a constant, beside the unchanged template.
4. With --cprofile, the functions that take most time in the cold rows_for_all() (--cprofile rows, the
   default) or in the warm whole GET (--cprofile get).
"""

import argparse
import cProfile
import dataclasses
import io
import itertools
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The releases that empty the caches: one count for the whole run, so that no reader's runs find the
# fragments an earlier reader's runs stored under the same release.
RELEASES = itertools.count()
ACTIONS_TEMPLATE = "comments/_comment_actions.html"
# (name, pattern, replacement) over the Jinja2 source of comments/_comment_actions.html: the replacement is
# a constant, of about the same length where the construct prints text.
ABLATIONS = [
    (
        "{{ urls.… }}, {{ row.moderation_urls.… }} (URLs, UrlForPk)",
        r"\{\{ (?:urls|row\.moderation_urls)\.\w+ \}\}",
        "/articles/profile/comments/1234/vote/",
    ),
    ('{{ _("…") }} (gettext)', r"\{\{ _\((?:\"[^\"]*\"|'[^']*')\) \}\}", "Reply"),
    ("{{ labels.…() }} (counted labels, ngettext)", r"\{\{ labels\.\w+\([^)]*\) \}\}", "3 votes"),
    (
        "integers ({{ c.pk }}, {{ c.score }}, {{ row.thread_root_id }})",
        r"\{\{ (?:c\.pk|c\.score|row\.thread_root_id) \}\}",
        "1234",
    ),
    ("{{ follow_button(…) }} (a thread's follow button)", r"\{\{ follow_button\([^}]*\) \}\}", ""),
    (
        "the moderator controls' test (viewer.moderation.…)",
        r"\{% if viewer\.moderation\.can_moderate or viewer\.moderation\.can_close %\}"
        r"\{\{ moderator_controls\(row\) \}\}\{% endif %\}",
        "",
    ),
    ("hx-* attributes (discussion.enhanced tests)", r"discussion\.enhanced", "False"),
    (
        '(the whole macro: an empty <div class="comment-actions">, for scale)',
        r"(?<=\{% macro comment_actions\(row\) %\}).*?(?=\{% endmacro %\})",
        '<div class="comment-actions"></div>',
    ),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000, help="comments in the discussion (default 1000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each phase (default 15)")
    parser.add_argument("--page", action="store_true", help="only page 1 (50 threads), not all threads")
    parser.add_argument(
        "--cprofile",
        nargs="?",
        const="rows",
        choices=["rows", "get"],
        help="also print cProfile's top functions of the cold rows_for_all() (rows) or the warm GET (get)",
    )
    return parser.parse_args(argv)


def best_of(repeat: int, function, before=None) -> float:
    """The fastest of `repeat` runs of `function()` after one warm-up run, in milliseconds of this process's
    CPU time (`before()`, untimed, ahead of each): on a machine shared with other work, the minimum of CPU
    time is what the code itself costs."""
    if before is not None:
        before()
    function()
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.process_time()
        function()
        samples.append((time.process_time() - start) * 1000)
    return min(samples)


def best_of_pair(repeat: int, first, second) -> tuple[float, float]:
    """best_of() for two functions run in turn, so that both see the same moments of the machine's load."""
    first(), second()
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, function in enumerate((first, second)):
            start = time.process_time()
            function()
            best[i] = min(best[i], (time.process_time() - start) * 1000)
    return best[0], best[1]


def main(argv=None) -> int:
    args = parse_args(argv)
    from bench.bench_discussion import configure

    with tempfile.TemporaryDirectory(prefix="tribune-profile-") as tmp:
        configure(Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        test_database = connection.vendor != "sqlite"
        if test_database:
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        else:
            call_command("migrate", verbosity=0)
        try:
            report(args)
        finally:
            if test_database:
                connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


def ms_cell(ms: float) -> str:
    return f"{ms:.2f}" if abs(ms) < 1 else f"{ms:.1f}"


def phase_table(title: str, phases: list[tuple[str, float]], whole: float, shown: int) -> str:
    from bench.report import table

    rows = [[name, ms_cell(ms), f"{ms / whole:.0%}", f"{ms / shown * 1000:.0f}"] for name, ms in phases]
    return f"\n{title}\n" + table(["phase", "ms", "share", "µs/comment"], rows, right={1, 2, 3})


def report(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from bench import tribune

    readers = tribune.make_readers()
    discussion = tribune.build_discussion(args.size, readers, slug="profile")
    per_page = settings.COMMENTS_THREADS_PER_PAGE if args.page else discussion.threads
    budget = settings.COMMENTS_PAGE_BUDGET if args.page else 10**9
    with override_settings(
        COMMENTS_THREADS_PER_PAGE=per_page, COMMENTS_PAGE_BUDGET=budget, PAGE_CACHE_RELEASE="profile"
    ):
        for reader in (None, readers[1]):
            profile_reader(
                args, discussion.article, reader, f"{args.size:,}-comment discussion", connection.vendor
            )


def profile_reader(args, article, reader, label: str, vendor: str) -> None:
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client, RequestFactory

    from forum.comments import loading, paging, prepared, rendering, threads
    from forum.comments.nodes import build_nodes
    from forum.comments.sorting import DEFAULT_SORT
    from forum.comments.versions import discussion_changed, discussion_version
    from forum.comments.viewer import CommentLinks
    from forum.pages import build_viewer

    user = reader or AnonymousUser()
    who = "anonymous" if reader is None else "logged in"
    client = Client()
    if reader is not None:
        client.force_login(reader)
    url = f"{article.get_absolute_url()}?profile=1"  # not a page parameter: the page cache renders it
    request = RequestFactory().get(url)
    request.user = user
    sort, repeat = DEFAULT_SORT, args.repeat

    def new_release() -> None:
        settings.PAGE_CACHE_RELEASE = f"profile-cold-{next(RELEASES)}"  # every fragment key is new

    def empty_caches() -> None:
        new_release()
        discussion_changed(article.pk)  # no page of threads nor reader's marks kept under the new version

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"profile_discussion: GET {url} answered {response.status_code}")

    # The cold page.
    empty_caches()
    page = threads.discussion_page(article, user, sort=sort)
    shown = len(page.nodes)
    thread_ids = paging.thread_pages(article, user, sort, through=1)[0]
    comments = loading.thread_comments(thread_ids, user, sort, with_votes=False)
    viewer = build_viewer(request, page)
    links = CommentLinks(article.slug)
    rows_of_a_kind = rows_renderer(page, rendering.build_skeleton(page), viewer)

    cold_whole = best_of(repeat, get, before=empty_caches)
    empty_caches()
    with mock.patch.object(rendering, "render_shared", wraps=rendering.render_shared) as render_shared:
        get()
    if render_shared.call_count != shown:
        raise SystemExit(
            f"profile_discussion: a cold GET rendered {render_shared.call_count} fragments of {shown}: "
            "the caches were not empty"
        )
    cold_page = best_of(
        repeat,
        lambda: threads.discussion_page(article, user, sort=sort),
        before=lambda: discussion_changed(article.pk),
    )
    viewer_ms = best_of(repeat, lambda: build_viewer(request, page))
    skeleton_ms = best_of(repeat, lambda: rendering.build_skeleton(page), before=new_release)
    rows_ms = best_of(repeat, rows_of_a_kind)
    cold = [
        ("whole GET /articles/<slug>/ (empty caches)", cold_whole),
        ("discussion_page() (built)", cold_page),
        (
            "  roots query (paging.thread_pages)",
            best_of(repeat, lambda: paging.thread_pages(article, user, sort, through=1)),
        ),
        (
            "  reader_marks() (the reader's votes and comments)",
            best_of(repeat, lambda: loading.reader_marks(article, user)),
        ),
        (
            "  thread query + model instances (thread_comments)",
            best_of(repeat, lambda: loading.thread_comments(thread_ids, user, sort, with_votes=False)),
        ),
        ("  build_nodes()", best_of(repeat, lambda: build_nodes(comments, user, sort))),
        ("build_viewer() (the per-viewer object)", viewer_ms),
        ("build_skeleton() (heads, tails; fragments rendered)", skeleton_ms),
        (
            "  fragment render (all, as on an empty cache)",
            best_of(repeat, lambda: [rendering.render_shared(node, links) for node in page.nodes]),
        ),
        (
            "  (build_skeleton() with warm fragments: not cold)",
            best_of(repeat, lambda: rendering.build_skeleton(page)),
        ),
        (
            "  (fragment lookup, keys + get_many, warm: not cold)",
            best_of(repeat, lambda: rendering.shared_parts(page, links)),
        ),
        ("rows_for_all() (the rows of the viewer's kind)", rows_ms),
        (
            "the rest (marked rows, join, article, base, middleware)",
            cold_whole - cold_page - viewer_ms - skeleton_ms - rows_ms,
        ),
    ]
    print(
        phase_table(
            f"{label}, {who}, {shown} comments shown, cold: fastest of {repeat} runs, CPU time ({vendor})",
            cold,
            cold_whole,
            shown,
        )
    )
    if args.cprofile == "rows":
        print_profile("rows_for_all(), cold", rows_of_a_kind)

    # The warm page: what the GETs of best_of's warm-up kept.
    empty_caches()
    warm_whole = best_of(repeat, get)
    page = threads.discussion_page(article, user, sort=sort)
    viewer = build_viewer(request, page)
    kept = "anonymous" if reader is None else ("rows", viewer.part_key())
    if page.prepared is None or kept not in page.prepared.shared_html:
        raise SystemExit(
            "profile_discussion: the page of threads the GET kept is not the one discussion_page() finds "
            "here (another language, time zone or setting in its key?)"
        )
    version = discussion_version(article.pk)
    marks = prepared.kept_marks(article, user, version)
    audience = prepared.audience(user, marks)

    def not_kept() -> prepared.PreparedPage:
        raise SystemExit("profile_discussion: prepared_page() found no kept page")

    warm_page = best_of(repeat, lambda: threads.discussion_page(article, user, sort=sort))
    viewer_ms = best_of(repeat, lambda: build_viewer(request, page))
    nodes_ms = best_of(repeat, lambda: rendering.render_nodes(request, page, viewer))
    warm = [
        ("whole GET /articles/<slug>/ (kept page)", warm_whole),
        ("discussion_page() (kept)", warm_page),
        (
            "  discussion_version() (the version's read)",
            best_of(repeat, lambda: discussion_version(article.pk)),
        ),
        ("  kept_marks()", best_of(repeat, lambda: prepared.kept_marks(article, user, version))),
        (
            "  prepared_page()'s lookup",
            best_of(repeat, lambda: prepared.prepared_page(article.pk, version, audience, sort, 1, not_kept)),
        ),
        ("build_viewer() (the per-viewer object)", viewer_ms),
    ]
    if reader is None:
        warm.append(("render_nodes() (the anonymous nodes, kept whole)", nodes_ms))
    else:
        marked = viewer.marked()
        marked_ms = best_of(repeat, viewer.marked)
        own_ms = best_of(repeat, lambda: rendering.rendered_rows(request, page, viewer, sorted(marked)))
        warm += [
            ("render_nodes() (on the kept page)", nodes_ms),
            ("  viewer.marked()", marked_ms),
            (f"  rendered_rows() (the {len(marked)} marked rows, for the viewer)", own_ms),
            ("  the join and the CSRF token put in (the difference)", nodes_ms - marked_ms - own_ms),
        ]
    warm.append(("the rest (article, base, form, middleware)", warm_whole - warm_page - viewer_ms - nodes_ms))
    print(
        phase_table(
            f"{label}, {who}, {shown} comments shown, warm: fastest of {repeat} runs, CPU time ({vendor})",
            warm,
            warm_whole,
            shown,
        )
    )

    # The constructs of _comment_actions.html in the rows of the viewer's kind (rows_for_all, as cold).
    print_ablations(
        f"{label}, {who}: the constructs of {ACTIONS_TEMPLATE} in rows_for_all(), each replaced by a "
        f"constant, fastest of {repeat} runs of both templates in turn",
        repeat,
        rows_renderer(page, rendering.skeleton(page), viewer),
        shown,
    )
    if args.cprofile == "get":
        print_profile("the whole GET, warm", get)


def rows_renderer(discussion, frame, viewer):
    """A function that runs rows_for_all() as on a cold page: on a page that keeps the skeleton `frame` but
    no rows yet."""
    from forum.comments import prepared, rendering

    def render() -> list[str]:
        fresh = prepared.PreparedPage(
            nodes=discussion.nodes, has_more=discussion.has_more, shared_html={"skeleton": frame}
        )
        return rendering.rows_for_all(fresh, dataclasses.replace(discussion, prepared=fresh), viewer)

    return render


def print_ablations(title: str, repeat: int, rows_of_a_kind, shown: int) -> None:
    import jinja2
    from django.template import engines

    from bench.report import table
    from forum.comments import rendering

    env = engines["jinja2"].env
    source, _, _ = env.loader.get_source(env, ACTIONS_TEMPLATE)

    def with_source(text: str):
        """rows_of_a_kind() with `text` as comments/_comment_actions.html (its own environment's cache)."""
        loader = jinja2.ChoiceLoader([jinja2.DictLoader({ACTIONS_TEMPLATE: text}), env.loader])
        variant_env = env.overlay(loader=loader, cache_size=50)

        def render() -> list[str]:
            with mock.patch.object(rendering, "_template", variant_env.get_template):
                return rows_of_a_kind()

        return render

    unchanged = with_source(source)
    rows, base = [], float("inf")
    for name, pattern, replacement in ABLATIONS:
        variant, found = re.subn(pattern, replacement, source, flags=re.DOTALL)
        if not found:
            raise SystemExit(f"profile_discussion: {name} is no longer in {ACTIONS_TEMPLATE}")
        base_ms, variant_ms = best_of_pair(repeat, unchanged, with_source(variant))
        base = min(base, base_ms)
        saved = base_ms - variant_ms
        rows.append(
            [name, str(found), ms_cell(saved), f"{saved / base_ms:.0%}", f"{saved / shown * 1000:.0f}"]
        )
    rows.append(
        ["(rows_for_all() with the template unchanged)", "", ms_cell(base), "", f"{base / shown * 1000:.0f}"]
    )
    print(f"\n{title}")
    print(
        table(
            ["construct in _comment_actions.html", "uses", "ms saved", "of rows", "µs/comment"],
            rows,
            right={1, 2, 3, 4},
        )
    )


def print_profile(title: str, function) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        function()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    print(f"\ncProfile, {title} (5 runs), by own time:\n{out.getvalue()}")


if __name__ == "__main__":
    sys.exit(main())
