#!/usr/bin/env python
"""Benchmark the Disqus import: generate N nested posts, import them into an empty database, print a table.

    .venv/bin/python bench/bench_import.py                        # 1,000 and 10,000 posts, SQLite file
    .venv/bin/python bench/bench_import.py --posts 10000 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tribune .venv/bin/python bench/bench_import.py

The generated export looks like a real one: about a hundred posts per thread, a third of them top-level
and the rest replies to earlier posts of the same thread (so nesting runs deep), written slightly out of
order (replies before their parents), messages with paragraphs, line breaks and links. Half of the threads
have an article; the other half become drafts. Each size is imported twice on an empty database: once
timed (wall clock and this process's CPU time), once under tracemalloc for the peak of Python memory
(tracemalloc slows the run down, so that run is not timed). With PostgreSQL, the run uses a throw-away
database `test_<name>` next to the one in DATABASE_URL.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
os.environ.setdefault("DEBUG", "true")
WORKDIR = Path(tempfile.mkdtemp(prefix="tribune-import-bench-"))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"

SENTENCE = (
    "the truce talks minister said that Kyiv would never accept terms written in Moscow while troops "
    "remain on its soil and allies should send more air defence before winter comes again"
)
WORDS = SENTENCE.split(maxsplit=-1)


def generate(path: Path, posts: int, seed: int = 1) -> int:
    """Write a Disqus export with `posts` posts; return the number of threads."""
    rng = random.Random(seed)
    threads = max(1, posts // 100)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for t in range(1, threads + 1):
            out.write(
                f'  <thread dsq:id="{t}">\n    <id>bench-{t}</id>\n'
                f"    <link>https://news.example/articles/bench-{t}/</link>\n"
                f"    <title>Bench article {t}</title>\n  </thread>\n"
            )
        earlier: dict[int, list[int]] = {}
        window: list[str] = []
        for n in range(1, posts + 1):
            thread = rng.randint(1, threads)
            candidates = earlier.setdefault(thread, [])
            parent = rng.choice(candidates[-20:]) if candidates and rng.random() > 0.33 else None
            candidates.append(n)
            window.append(post_xml(rng, n, thread, parent, start + timedelta(seconds=37 * n)))
            if len(window) == 50:  # replies may come before their parents, as in real exports
                rng.shuffle(window)
                out.writelines(window)
                window = []
        out.writelines(window)
        out.write("</disqus>\n")
    return threads


def post_xml(rng: random.Random, n: int, thread: int, parent: int | None, created: datetime) -> str:
    paragraphs = [
        "<br>".join(" ".join(rng.choices(WORDS, k=rng.randint(6, 18))) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(1, 3))
    ]
    if rng.random() < 0.2:
        paragraphs.append(f'See <a href="https://news.example/source/{n}">the source</a>.')
    message = "".join(f"<p>{p}</p>" for p in paragraphs)
    parent_xml = f'    <parent dsq:id="{parent}"/>\n' if parent else ""
    anonymous = rng.random() < 0.3
    username = "" if anonymous else f"      <username>reader{n % 997}</username>\n"
    return (
        f'  <post dsq:id="{n}">\n    <id/>\n    <message><![CDATA[{message}]]></message>\n'
        f"    <createdAt>{created.isoformat().replace('+00:00', 'Z')}</createdAt>\n"
        f"    <isDeleted>false</isDeleted>\n    <isSpam>{'true' if n % 101 == 0 else 'false'}</isSpam>\n"
        f"    <author>\n      <name>Reader {n % 997}</name>\n"
        f"      <isAnonymous>{'true' if anonymous else 'false'}</isAnonymous>\n{username}    </author>\n"
        f'    <thread dsq:id="{thread}"/>\n{parent_xml}  </post>\n'
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10000], help="sizes to run")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article
    from forum.comments.importers import DisqusReader, import_file
    from forum.comments.models import Comment

    postgres = connection.vendor == "postgresql"
    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)

    def empty_database(threads: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Comment._meta.db_table}")
            cursor.execute(f"DELETE FROM {Article._meta.db_table}")
        Article.objects.bulk_create(
            Article(title=f"Bench article {t}", slug=f"bench-{t}", body="x", status="published")
            for t in range(1, threads + 1, 2)
        )

    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}), Python {sys.version.split()[0]}"
    )
    columns = ("posts", 9), ("file MB", 8), ("threads", 8), ("seconds", 8), ("CPU s", 7), ("posts/s", 9)
    print(" ".join(f"{name:>{width}}" for name, width in columns), f"{'peak MB':>8}")
    try:
        for size in args.posts:
            path = WORKDIR / f"bench-{size}.xml"
            threads = generate(path, size)
            empty_database(threads)
            started, cpu_started = time.perf_counter(), time.process_time()
            report = import_file(DisqusReader(path))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            assert report.comments == size, report
            assert Comment.objects.count() == size
            peak = "-"
            if not args.no_memory:
                empty_database(threads)
                tracemalloc.start()
                import_file(DisqusReader(path))
                peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f}"
                tracemalloc.stop()
            print(
                f"{size:>9,} {path.stat().st_size / 2**20:>8.1f} {threads:>8,} {seconds:>8.2f} {cpu:>7.2f} "
                f"{size / seconds:>9,.0f} {peak:>8}",
                flush=True,
            )
            path.unlink()
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        connection.close()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "seconds: wall clock; CPU s: this process's CPU time (the database server's is not in it); "
        f"peak MB: Python allocations during one import (tracemalloc); process max RSS {max_rss:.0f} MB"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
