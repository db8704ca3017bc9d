"""How the moderators' queue behaves with many queued comments. Prints figures; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tribune .venv/bin/python bench/bench_queue.py
    .venv/bin/python bench/bench_queue.py --comments 2000      # SQLite, in memory

It builds a throw-away test database (test_<name>; in memory on SQLite), fills it with queued comments
(reported, pending, hidden, spam, with appeals, reports, log entries and suspensions) and times the queue's
pages through Django's test client: the first page, a middle page and the last page of every tab, and the
filters. For each it prints the median time of several runs, the number of SQL queries and the slowest one.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 5


def populate(total: int) -> dict:
    from articles.models import Article
    from forum.accounts.models import User
    from forum.comments.models import Comment
    from forum.moderation.models import Appeal, ModerationAction, Report, Suspension

    now = timezone.now()
    password = make_password(None)
    articles = Article.objects.bulk_create(
        Article(
            title=f"Article {i}",
            slug=f"article-{i}",
            body="Body",
            body_html="<p>Body</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=i),
        )
        for i in range(50)
    )
    authors = User.objects.bulk_create(
        User(username=f"author{i}", password=password, date_joined=now - timedelta(days=i % 400))
        for i in range(max(total // 5, 10))
    )
    reporters = User.objects.bulk_create(
        User(username=f"reporter{i}", password=password, date_joined=now - timedelta(days=30 + i % 300))
        for i in range(500)
    )
    moderator = User.objects.create(username="bench-moderator", password=password, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))

    # Every queued comment answers a published top-level comment, so rows have a parent to quote.
    statuses = ["reported"] * 4 + ["pending"] * 3 + ["hidden"] * 2 + ["spam"]
    roots, replies = [], []
    for i in range(total):
        article = articles[i % len(articles)]
        author = authors[i % len(authors)]
        created = now - timedelta(minutes=total - i)
        tree_id = i + 1
        roots.append(
            Comment(
                article=article,
                author=authors[(i + 1) % len(authors)],
                body=f"Root {i}",
                body_html=f"<p>Root {i}</p>",
                tree_id=tree_id,
                lft=1,
                rght=4,
                level=0,
                created_at=created,
            )
        )
        kind = statuses[i % len(statuses)]
        replies.append(
            (
                kind,
                Comment(
                    article=article,
                    author=author,
                    body=f"Queued comment {i} " + "text " * 40,
                    body_html="<p>…</p>",
                    tree_id=tree_id,
                    lft=2,
                    rght=3,
                    level=1,
                    created_at=created,
                    status={
                        "reported": "published",
                        "pending": "pending",
                        "hidden": "hidden",
                        "spam": "spam",
                    }[kind],
                    spam_score=0.8 if kind in ("pending", "spam") else None,
                    spam_reasons=["links: 3"] if kind in ("pending", "spam") else [],
                ),
            )
        )
    Comment.objects.bulk_create(roots, batch_size=2000)
    for root, (_kind, reply) in zip(roots, replies, strict=True):
        reply.parent_id = root.pk
    Comment.objects.bulk_create([reply for _kind, reply in replies], batch_size=2000)

    reports, actions, appeals = [], [], []
    for i, (kind, reply) in enumerate(replies):
        if kind == "reported":
            for j in range(1 + i % 3):
                reporter = reporters[(i + j * 7) % len(reporters)]
                reports.append(
                    Report(
                        comment=reply,
                        reporter=reporter,
                        reason="abuse",
                        weight=1.0,
                        created_at=reply.created_at,
                    )
                )
        if kind in ("hidden", "spam"):
            actions.append(
                ModerationAction(
                    kind=kind if kind == "spam" else "hide",
                    actor=moderator,
                    actor_name=moderator.username,
                    comment=reply,
                    article_id=reply.article_id,
                    target_user_id=reply.author_id,
                    target_name="author",
                    reason="abuse" if kind == "hidden" else "spam",
                    status_before="published",
                    status_after=reply.status,
                )
            )
        if kind == "hidden" and i % 3 == 0:
            appeals.append(Appeal(comment=reply, author_id=reply.author_id, text="Please reconsider."))
    Report.objects.bulk_create(reports, batch_size=5000)
    ModerationAction.objects.bulk_create(actions, batch_size=5000)
    Appeal.objects.bulk_create(appeals, batch_size=5000)
    Suspension.objects.bulk_create(
        Suspension(user=author, reason="Cool down", ends_at=now + timedelta(days=7))
        for author in authors[::20]
    )
    return {
        "moderator": moderator,
        "counts": {
            "comments": Comment.objects.count(),
            "reports": len(reports),
            "log entries": len(actions),
            "appeals": len(appeals),
        },
    }


def measure(client: Client, params: dict) -> tuple[float, int, float]:
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/moderation/", params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    slowest = max((float(q["time"]) * 1000 for q in queries.captured_queries), default=0.0)
    return statistics.median(times), len(queries.captured_queries), slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000, help="queued comments (default 10,000)")
    args = parser.parse_args()

    setup_test_environment()
    settings.DEBUG = True  # record query times
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        start = time.perf_counter()
        data = populate(args.comments)
        vendor = connection.vendor
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built = time.perf_counter() - start
        print(f"{vendor}: {args.comments:,} queued comments ({data['counts']}), built in {built:.1f} s")
        client = Client()
        client.force_login(data["moderator"])
        from forum.moderation.queue import Queue

        print(f"{'page':<44} {'median ms':>10} {'queries':>8} {'slowest query ms':>17}")
        for tab in ("reported", "pending", "hidden", "spam", "appeals"):
            page, rows = Queue(tab).page(1)
            pages = page.paginator.num_pages
            sample = rows[0].comment  # filter by its article and its author
            for label, params in (
                (f"{tab}, page 1 of {pages}", {"tab": tab}),
                (f"{tab}, page {max(pages // 2, 1)}", {"tab": tab, "page": max(pages // 2, 1)}),
                (f"{tab}, last page", {"tab": tab, "page": pages}),
                (f"{tab}, one article", {"tab": tab, "article": sample.article_id}),
                (f"{tab}, one author", {"tab": tab, "author": sample.author.username}),
            ):
                median, count, slowest = measure(client, params)
                print(f"{label:<44} {median:>10.1f} {count:>8} {slowest:>17.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
