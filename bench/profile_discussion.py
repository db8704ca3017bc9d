"""Where the time of the 1,000-comment article page goes: `make bench-profile`.

Builds the 1,000-comment discussion of the benchmark on a temporary SQLite file (or a test database beside
DATABASE_URL) and prints, for an anonymous and a logged-in reader:
1. the phases of one page: the whole GET, discussion_page() split into the thread query (with model
   instances), build_nodes() and build_viewer() (forum/pages.py), the render of comments/_nodes.html, and the
   rest (article, base template, form, middleware);
2. the cost of constructs of comments/_nodes.html, by rendering variants of its source with one construct
   replaced by a constant (dates, {% csrf_token %}, {% blocktranslate %}, {% translate %}, integers...);
3. with --cprofile, the functions that take most time in the render of comments/_nodes.html.
"""

import argparse
import cProfile
import io
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# (name, pattern, replacement): the replacement renders something of the same length without the construct.
ABLATIONS = [
    ("{{ c.created_at|date:... }} (shown date)", r"\{\{ c\.created_at\|date:[^}]*\}\}", "1 Dec 2026, 12:00"),
    (
        "{{ c.created_at.isoformat }}",
        r"\{\{ c\.created_at\.isoformat \}\}",
        "2026-12-01T12:00:00.000000+00:00",
    ),
    ("{% csrf_token %}", r"\{% csrf_token %\}", '<input type="hidden" name="csrfmiddlewaretoken" value="x">'),
    ("{% blocktranslate %}", r"\{% blocktranslate .*?\{% endblocktranslate %\}", "3 replies"),
    ("{% translate %}", r"\{% translate (['\"])(.*?)\1 %\}", r"\2"),
    (
        "integers ({{ c.pk }}, level, tree id, score)",
        r"\{\{ (c\.pk|c\.level|c\.tree_id|c\.score) \}\}",
        "1234",
    ),
    (
        "vote form (logged-in readers)",
        r'\{% if user\.is_authenticated and not node\.own and c\.status == "published" %\}'
        r'<form class="vote-form".*?</form>',
        "{% if False %}",
    ),
    (
        "Report link (logged-in readers)",
        r"\{% if user\.is_authenticated and not node\.own and not mod\.can_moderate"
        r'.*?\{% translate "Report" %\}</a>\{% endif %\}',
        "",
    ),
    ("{{ c.display_author }}", r"\{\{ c\.display_author \}\}", "Reader 12"),
    (
        "hx-* attributes and focus tests (discussion.enhanced/focus/highlight)",
        r"discussion\.(enhanced|focus|highlight)",
        "False",
    ),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--page", action="store_true", help="only page 1 (50 threads), not all threads")
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's top functions")
    return parser.parse_args(argv)


def best_of(repeat: int, function) -> float:
    """The fastest of `repeat` runs of `function()` after one warm-up run, in milliseconds of this process's
    CPU time: on a machine shared with other work, the minimum of CPU time is what the code itself costs."""
    function()
    samples = []
    for _ in range(repeat):
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


def report(args) -> None:
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.template import engines
    from django.test import Client, RequestFactory
    from django.test.utils import override_settings

    from bench import tribune
    from bench.report import table
    from forum.comments import nodes, threads
    from forum.comments.models import Comment
    from forum.pages import build_viewer

    readers = tribune.make_readers()
    discussion = tribune.build_discussion(args.size, readers, slug="profile")
    article = discussion.article
    url = article.get_absolute_url()
    per_page = settings.COMMENTS_THREADS_PER_PAGE if args.page else discussion.threads
    engine = engines["django"]
    nodes_template = engine.get_template("comments/_nodes.html")
    source = nodes_template.template.source

    with override_settings(
        COMMENTS_THREADS_PER_PAGE=per_page,
        COMMENTS_PAGE_BUDGET=10**9 if not args.page else settings.COMMENTS_PAGE_BUDGET,
    ):
        for reader in (None, readers[1]):
            user = reader or AnonymousUser()
            who = "anonymous" if reader is None else "logged in"
            client = Client()
            if reader is not None:
                client.force_login(reader)
            request = RequestFactory().get(url)
            request.user = user
            page = threads.discussion_page(article, user)
            tree_ids = sorted({node.comment.tree_id for node in page.nodes})
            shown = len(page.nodes)

            def fetch(tree_ids=tree_ids):
                return list(
                    Comment.objects.filter(tree_id__in=tree_ids)
                    .select_related("author")
                    .order_by("tree_id", "lft")
                )

            comments = fetch()
            context = {
                "discussion": page,
                "viewer": build_viewer(request, page),
                "user": user,
                "request": request,
            }

            def render(template=nodes_template, context=context, request=request):
                return template.render(context, request)

            def viewer_state(request=request, page=page):
                build_viewer(request, page)

            whole = best_of(args.repeat, lambda client=client: client.get(url))
            page_ms = best_of(args.repeat, lambda user=user: threads.discussion_page(article, user))
            fetch_ms = best_of(args.repeat, fetch)
            build_ms = best_of(
                args.repeat,
                lambda user=user, comments=comments: nodes.build_nodes(comments, user, "oldest"),
            )
            state_ms = best_of(args.repeat, viewer_state)
            render_ms = best_of(args.repeat, render)
            rows = [
                ["whole GET /articles/<slug>/", f"{whole:.1f}", "100%", ""],
                ["discussion_page()", f"{page_ms:.1f}", f"{page_ms / whole:.0%}", ""],
                [
                    "  threads query + model instances",
                    f"{fetch_ms:.1f}",
                    f"{fetch_ms / whole:.0%}",
                    f"{fetch_ms / shown * 1000:.0f}",
                ],
                [
                    "  build_nodes()",
                    f"{build_ms:.1f}",
                    f"{build_ms / whole:.0%}",
                    f"{build_ms / shown * 1000:.0f}",
                ],
                ["build_viewer() (per-viewer object)", f"{state_ms:.1f}", f"{state_ms / whole:.0%}", ""],
                [
                    "render of comments/_nodes.html",
                    f"{render_ms:.1f}",
                    f"{render_ms / whole:.0%}",
                    f"{render_ms / shown * 1000:.0f}",
                ],
                [
                    "the rest (article, base, form, middleware)",
                    f"{whole - page_ms - render_ms:.1f}",
                    f"{(whole - page_ms - render_ms) / whole:.0%}",
                    "",
                ],
            ]
            print(
                f"\n{args.size:,}-comment discussion, {who}, {shown} comments on the page, "
                f"fastest of {args.repeat} runs, CPU time ({connection.vendor})"
            )
            print(table(["phase", "ms", "share", "µs/comment"], rows, right={1, 2, 3}))

            ablation_rows = []
            for name, pattern, replacement in ABLATIONS:
                variant, found = re.subn(pattern, replacement, source, flags=re.DOTALL)
                if not found:
                    ablation_rows.append([name, "0", "not in the template", "", ""])
                    continue
                template = engine.from_string(variant)
                base_ms, variant_ms = best_of_pair(
                    args.repeat, render, lambda template=template: render(template)
                )
                saved = base_ms - variant_ms
                ablation_rows.append(
                    [
                        name,
                        str(found),
                        f"{saved:.1f}",
                        f"{saved / base_ms:.0%}",
                        f"{saved / shown * 1000:.0f}",
                    ]
                )
            empty = engine.from_string("{% for row in viewer.rows %}{% endfor %}")
            loop_ms = best_of(args.repeat, lambda template=empty: render(template))
            ablation_rows.append(["(an empty loop over the nodes, for scale)", "", f"{loop_ms:.1f}", "", ""])
            print(
                table(
                    ["construct in _nodes.html", "uses", "ms saved", "of render", "µs/comment"],
                    ablation_rows,
                    right={1, 2, 3, 4},
                )
            )

            if args.cprofile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(5):
                    render()
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
                print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
