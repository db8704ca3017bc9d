"""The article page and posting benchmark: `make bench` (or `python bench/bench_discussion.py`).

Builds discussions of 100, 1,000, 10,000 and 100,000 comments (bench/shape.py), times GET /articles/<slug>/
for an anonymous and a logged-in reader and counts its SQL queries, times post_comment() of replies into the
1,000-comment discussion, renders the same 1,000-comment tree with django-comments-xtd (bench/xtd/, in a
subprocess with its own settings and SQLite file), and prints the tables, then the issue-11 targets with the
figures of this run (bench/targets.py; with --http-json, also those of bench_http.py --json).

Runs on a temporary SQLite file by default; with DATABASE_URL set (e.g. postgres://.../tribune) it runs
in a fresh test database beside it (test_<name>), dropped at the end. DEBUG is off (bench/settings.py).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

XTD_COMMENT_HTML = r'<div id="c\d+" class="comment'
# The rows of each size: (logged in, cache state of bench/tribune.py: CACHE_STATES).
PAGE_ROWS = [
    (False, "cold"),
    (False, "fragments"),
    (False, "page"),
    (True, "cold"),
    (True, "fragments"),
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="100,1000,10000,100000", help="discussion sizes (comments), comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed GETs per row (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed GETs before them (default 3)")
    parser.add_argument("--replies", type=int, default=50, help="replies posted into the 1,000 discussion")
    parser.add_argument("--compare", type=int, default=1000, help="size rendered by both Tribune and xtd")
    parser.add_argument("--no-xtd", action="store_true", help="skip the django-comments-xtd comparison")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--http-json",
        type=Path,
        help="bench_http.py --json results to check in the targets table (ignored when the file is missing)",
    )
    return parser.parse_args(argv)


def configure(workdir: Path) -> None:
    """Environment for bench.settings, read when Django sets up."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'tribune.sqlite3'}")
    os.environ["TRIBUNE_VAR_DIR"] = str(workdir / "var")
    (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise scans STATIC_ROOT
    # No cache server. Tasks go to an in-memory broker that no worker reads: posting is timed as a request
    # pays for it in production (the outbox rows and the enqueueing), without the workers' spam checks and
    # notifications, which eager (in-process) tasks would add to the call.
    for name in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        os.environ.pop(name, None)
    os.environ["CELERY_BROKER_URL"] = "memory://"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_tribune(*, sizes: list[int], compare: int, repeat: int, warmup: int, replies: int, seed: int):
    """Page rows and the posting result, on the configured (already migrated) database."""
    from bench import tribune

    readers = tribune.make_readers()
    logged_in = readers[1]
    pages, posting = [], None
    for size in sizes:
        progress(f"building {size:,} comments")
        discussion = tribune.build_discussion(size, readers, slug=f"bench-{size}", seed=seed)
        variants = [(f"Tribune, {size:,} comments", False)]
        if size == compare:
            variants.append((f"Tribune, {size:,} comments, all threads on one page", True))
        for label, all_threads in variants:
            for reader, cache in PAGE_ROWS:
                who = "anonymous" if reader is None else "logged in"
                progress(f"timing {label} ({who}, {tribune.CACHE_STATES[cache]})")
                pages.append(
                    tribune.measure_page(
                        discussion,
                        reader=logged_in if reader else None,
                        repeat=repeat,
                        warmup=warmup,
                        label=label,
                        all_threads=all_threads,
                        cache=cache,
                    )
                )
        if size == compare and replies:
            progress(f"posting {replies} replies")
            posting = tribune.measure_posting(discussion, readers, replies=replies)
    return pages, posting


def run_xtd(*, size: int, repeat: int, warmup: int, seed: int, workdir: Path) -> list[dict]:
    """The same tree rendered by django-comments-xtd's project, in its own process and database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    command = [
        sys.executable,
        "-m",
        "bench.xtd.run",
        f"--size={size}",
        f"--repeat={repeat}",
        f"--warmup={warmup}",
        f"--seed={seed}",
        f"--db={workdir / 'xtd.sqlite3'}",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the django-comments-xtd benchmark failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def environment() -> str:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("show server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return (
        f"{database}, Django {get_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the start), DEBUG off"
    )


def format_report(pages, posting, xtd_rows: list[dict], *, repeat: int, warmup: int, compare: int) -> str:
    from bench.report import ms, table

    rows = []
    for page in pages:
        rows.append(
            [
                page.label,
                page.reader,
                f"{page.shown:,}",
                f"{page.threads_shown:,} of {page.threads:,}",
                ms(page.timing.median),
                ms(page.timing.p95),
                ms(page.timing.cpu_median),
                str(page.queries),
            ]
        )
    for row in xtd_rows:
        rows.append(
            [
                f"django-comments-xtd, {row['size']:,} comments",
                row["reader"],
                f"{row['shown']:,}",
                f"{row['threads']:,} of {row['threads']:,}",
                ms(row["median"]),
                ms(row["p95"]),
                ms(row["cpu"]),
                str(row["queries"]),
            ]
        )
    # Keep each size's rows together, xtd after Tribune's rows of the same size.
    order = {page.label: i for i, page in enumerate(pages)}
    rows.sort(
        key=lambda r: (int(r[0].split(", ")[1].split()[0].replace(",", "")), order.get(r[0], len(pages)))
    )
    lines = [
        f"Article page: GET /articles/<slug>/, {repeat} timed runs after {warmup} warm-up runs per row",
        table(
            [
                "discussion",
                "reader",
                "comments shown",
                "threads shown",
                "median ms",
                "p95 ms",
                "CPU ms",
                "queries",
            ],
            rows,
            right={2, 4, 5, 6, 7},
        ),
    ]
    lines += xtd_ratio_lines(pages, xtd_rows, compare)
    if posting is not None:
        from bench.tribune import median_int

        lines += [
            "",
            f"Posting a reply into the {posting.size:,}-comment discussion: post_comment(), "
            f"{len(posting.total.samples)} replies to random comments",
            table(
                ["part", "median ms", "p95 ms"],
                [
                    [
                        "whole call (checks, lock, insert, count, events)",
                        ms(posting.total.median),
                        ms(posting.total.p95),
                    ],
                    [
                        "tree maintenance (mptt: parent refresh, lft/rght shift)",
                        ms(posting.tree.median),
                        ms(posting.tree.p95),
                    ],
                ],
                right={1, 2},
            ),
            f"per reply: {median_int(posting.queries)} queries, "
            f"{median_int(posting.rows_shifted)} rows shifted (medians)",
        ]
    return "\n".join(lines)


def xtd_ratio_lines(pages, xtd_rows: list[dict], compare: int) -> list[str]:
    """django-comments-xtd's time over Tribune's, per shown comment, at the compared size: one line for the
    cold rows (Tribune's caches retired before each GET) and one for the warm ones. xtd caches nothing, so
    its one time per reader stands against both."""
    xtd_by_reader = {row["reader"]: row for row in xtd_rows}
    lines = []
    for layout, on_one_page in (("all threads on one page", True), ("page 1 as served", False)):
        for state, warm in (("cold", False), ("warm", True)):
            ratios = []
            for page in pages:
                if page.size != compare or ("one page" in page.label) != on_one_page or not page.shown:
                    continue
                if page.reader.endswith(", cold") == warm:
                    continue
                reader = page.reader.split(",")[0]
                row = xtd_by_reader.get(reader)
                if row is None or not row["shown"]:
                    continue
                per_comment = (row["median"] / row["shown"]) / (page.timing.median / page.shown)
                cpu_per_comment = (row["cpu"] / row["shown"]) / (page.timing.cpu_median / page.shown)
                ratios.append(
                    f"{page.reader} {per_comment:.1f}x per shown comment (CPU {cpu_per_comment:.1f}x; "
                    f"{row['median'] / page.timing.median:.1f}x the page)"
                )
            if ratios:
                lines.append(
                    f"django-comments-xtd's time / Tribune's, {compare:,} comments, {layout}, {state}: "
                    + "; ".join(ratios)
                )
    return lines


def results_json(pages, posting, xtd_rows) -> dict:
    return {
        "pages": [
            {
                "label": p.label,
                "size": p.size,
                "reader": p.reader,
                "shown": p.shown,
                "threads_shown": p.threads_shown,
                "threads": p.threads,
                "median_ms": p.timing.median,
                "p95_ms": p.timing.p95,
                "cpu_ms": p.timing.cpu_median,
                "queries": p.queries,
            }
            for p in pages
        ],
        "xtd": xtd_rows,
        "posting": None
        if posting is None
        else {
            "size": posting.size,
            "replies": len(posting.total.samples),
            "median_ms": posting.total.median,
            "p95_ms": posting.total.p95,
            "tree_median_ms": posting.tree.median,
            "tree_p95_ms": posting.tree.p95,
            "queries": posting.queries,
            "rows_shifted": posting.rows_shifted,
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    with tempfile.TemporaryDirectory(prefix="tribune-bench-") as tmp:
        workdir = Path(tmp)
        configure(workdir)
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
            header = environment()
            pages, posting = run_tribune(
                sizes=sizes,
                compare=args.compare,
                repeat=args.repeat,
                warmup=args.warmup,
                replies=args.replies,
                seed=args.seed,
            )
        finally:
            if test_database:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        xtd_rows = []
        if not args.no_xtd:
            progress(f"timing django-comments-xtd, {args.compare:,} comments")
            xtd_rows = run_xtd(
                size=args.compare, repeat=args.repeat, warmup=args.warmup, seed=args.seed, workdir=workdir
            )
    print(header)
    print()
    print(
        format_report(pages, posting, xtd_rows, repeat=args.repeat, warmup=args.warmup, compare=args.compare)
    )
    results = results_json(pages, posting, xtd_rows)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print()
    print(targets_report(results, args.http_json, compare=args.compare))
    return 0


def targets_report(results: dict, http_json: Path | None, *, compare: int) -> str:
    """The targets table; the HTTP figures come from bench_http.py's --json file when there is one."""
    from bench.targets import evaluate, format_targets

    http = None
    if http_json is not None and http_json.exists():
        http = json.loads(http_json.read_text())
        written = datetime.fromtimestamp(http_json.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
        progress(f"HTTP figures from {http_json}, written {written}")
    elif http_json is not None:
        progress(f"no HTTP results at {http_json}: the HTTP targets have no figure")
    return format_targets(evaluate(results, http, compare=compare))


if __name__ == "__main__":
    sys.exit(main())
