"""Where the time of the 1,000-comment article page goes: `make bench-profile`.

Builds the 1,000-comment discussion of the benchmark on a temporary SQLite file (or a test database beside
DATABASE_URL) and prints, for an anonymous and a logged-in reader:
1. the phases of one page (the anonymous page cache bypassed): the whole GET, discussion_page() split into
   the thread query (with model instances) and build_nodes(), build_viewer() (forum/pages.py), the fragment
   lookup (one get_many, warm), the fragment render (every comment's shared part, as on a cold cache), the
   render of the Jinja2 comments/_nodes.html around the fragments, and the rest (article, base template,
   form, middleware);
2. the cost of constructs of comments/_nodes.html, by rendering variants of its source with one construct
   replaced by a constant (the fragment, the viewer's actions, the counted labels, integers, hx-* tests);
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

# (name, pattern, replacement) over the Jinja2 source of comments/_nodes.html: the replacement renders
# something of about the same length without the construct.
ABLATIONS = [
    ("{{ shared[loop.index0] }} (the cached fragment)", r"\{\{ shared\[loop\.index0\] \}\}", ""),
    ("{{ comment_actions(row) }} (the viewer's actions)", r"\{\{ comment_actions\(row\) \}\}", ""),
    ("{{ moderation_note(row) }}", r"\{\{ moderation_note\(row\) \}\}", ""),
    ("{{ labels.…() }} (counted labels, ngettext)", r"\{\{ labels\.\w+\([^)]*\) \}\}", "3 replies"),
    ("integers ({{ c.pk }}, {{ c.depth }})", r"\{\{ (c\.pk|c\.depth) \}\}", "1234"),
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
    from forum.comments import nodes, rendering, threads
    from forum.comments.models import Comment
    from forum.comments.viewer import CommentLinks
    from forum.pages import build_viewer

    readers = tribune.make_readers()
    discussion = tribune.build_discussion(args.size, readers, slug="profile")
    article = discussion.article
    url = f"{article.get_absolute_url()}?profile=1"  # not a page parameter: the page cache renders it
    per_page = settings.COMMENTS_THREADS_PER_PAGE if args.page else discussion.threads
    env = engines["jinja2"].env
    nodes_template = env.get_template(rendering.NODES_TEMPLATE)
    source, _, _ = env.loader.get_source(env, rendering.NODES_TEMPLATE)

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
            viewer = build_viewer(request, page)
            links = CommentLinks(article.slug)
            context = rendering.nodes_context(request, page, viewer)  # fills the fragment cache

            def render(template=nodes_template, context=context):
                return template.render(context)

            whole = best_of(args.repeat, lambda client=client: client.get(url))
            page_ms = best_of(args.repeat, lambda user=user: threads.discussion_page(article, user))
            fetch_ms = best_of(args.repeat, fetch)
            build_ms = best_of(
                args.repeat,
                lambda user=user, comments=comments: nodes.build_nodes(comments, user, "oldest"),
            )
            state_ms = best_of(args.repeat, lambda request=request, page=page: build_viewer(request, page))
            lookup_ms = best_of(
                args.repeat, lambda page=page, links=links: rendering.shared_parts(page, links)
            )
            fragments_ms = best_of(
                args.repeat,
                lambda page=page, links=links: [rendering.render_shared(node, links) for node in page.nodes],
            )
            render_ms = best_of(args.repeat, render)
            rest_ms = whole - page_ms - state_ms - lookup_ms - render_ms

            def row(name, ms, per_comment=True, whole=whole, shown=shown):
                return [
                    name,
                    f"{ms:.1f}",
                    f"{ms / whole:.0%}",
                    f"{ms / shown * 1000:.0f}" if per_comment else "",
                ]

            rows = [
                row("whole GET /articles/<slug>/ (warm fragments)", whole, per_comment=False),
                row("discussion_page()", page_ms, per_comment=False),
                row("  query: threads + model instances", fetch_ms),
                row("  build_nodes()", build_ms),
                row("build_viewer() (per-viewer object)", state_ms),
                row("fragment lookup (get_many, warm)", lookup_ms),
                row("fragment render (all, as on a cold cache; not in the GET)", fragments_ms),
                row("nodes render (comments/_nodes.html, Jinja2)", render_ms),
                row("the rest (article, base, form, middleware)", rest_ms, per_comment=False),
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
                    raise SystemExit(f"profile_discussion: {name} is no longer in {rendering.NODES_TEMPLATE}")
                template = env.from_string(variant)
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
            empty = env.from_string("{% for row in viewer.rows %}{% endfor %}")
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
