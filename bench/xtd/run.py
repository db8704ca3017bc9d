"""Build the benchmark's tree in django-comments-xtd and time its article page; prints JSON rows.

Run by bench_discussion.py as `python -m bench.xtd.run --size 1000 --db /tmp/.../xtd.sqlite3`.
"""

import argparse
import json
import os
import random
import sys
from datetime import timedelta

XTD_COMMENT_HTML = r'<div id="c\d+" class="comment'


def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--db", required=True)
    return parser.parse_args(argv)


def build(size: int, seed: int):
    """The tree of bench.shape, stored as django-comments-xtd stores it (thread_id, parent_id, level, order),
    with replies below its maximum thread level attached as its own save() would attach them."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from django_comments.models import Comment
    from django_comments_xtd.models import XtdComment

    from bench import shape
    from bench.texts import make_bodies
    from bench.xtd.blog.models import Article

    rng = random.Random(seed + size)
    max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    users = [
        User(username=f"bench{i}", email=f"bench{i}@example.com", first_name=f"Reader {i}")
        for i in range(300)
    ]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users)
    article = Article.objects.create(
        title=f"Benchmark article with {size:,} comments",
        slug=f"bench-{size}",
        body="First paragraph of the article.\n\nSecond paragraph.",
    )
    content_type = ContentType.objects.get_for_model(Article)
    nodes = shape.make_shape(size, seed)
    bodies = make_bodies()

    def xtd_parent(node):
        return shape.capped_parent(nodes, node, max_level)

    order, nested = {}, {node.index: 0 for node in nodes}
    for position, node in enumerate(shape.preorder(nodes)):
        order[node.index] = position
    for node in nodes:
        ancestor = node
        while ancestor.parent is not None:
            ancestor = xtd_parent(ancestor)
            nested[ancestor.index] += 1
    thread_start = {}
    for node in shape.preorder(nodes):
        thread_start.setdefault(node.thread, order[node.index])

    start = timezone.now() - timedelta(days=1)
    step = timedelta(hours=23) / max(size, 1)
    comments, rows = [], []
    for node in nodes:
        pk = node.index + 1
        imported = rng.random() < 0.03
        user = None if imported else rng.choice(users)
        comments.append(
            Comment(
                id=pk,
                content_type=content_type,
                object_pk=str(article.pk),
                site_id=settings.SITE_ID,
                user=user,
                user_name="Imported guest" if imported else user.first_name,
                user_email="" if imported else user.email,
                comment="" if node.status == shape.DELETED else bodies[rng.randrange(len(bodies))],
                submit_date=start + step * node.index,
                is_public=node.status != shape.PENDING,
                is_removed=node.status in (shape.DELETED, shape.HIDDEN),
            )
        )
        parent_pk = pk if node.parent is None else xtd_parent(node).index + 1
        rows.append(
            (
                pk,
                node.thread + 1,
                parent_pk,
                min(node.level, max_level),
                order[node.index] - thread_start[node.thread] + 1,
                False,
                nested[node.index],
            )
        )
    fields = ["comment_ptr", "thread_id", "parent_id", "level", "order", "followup", "nested_count"]
    columns = ", ".join(connection.ops.quote_name(XtdComment._meta.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(XtdComment._meta.db_table)
    with transaction.atomic():
        Comment.objects.bulk_create(comments, batch_size=500)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", rows
            )
    threads = sum(1 for node in nodes if node.parent is None and node.status != shape.PENDING)
    return article, users[1], threads


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.xtd.settings"
    os.environ["XTD_DATABASE"] = args.db
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.measure import count_matches, count_queries, time_get

    call_command("migrate", run_syncdb=True, verbosity=0)
    article, reader, threads = build(args.size, args.seed)
    url = article.get_absolute_url()
    rows = []
    for who in ("anonymous", "logged in"):
        client = Client()
        if who == "logged in":
            client.force_login(reader)
        queries, html = count_queries(client, url)
        timing = time_get(client, url, repeat=args.repeat, warmup=args.warmup)
        rows.append(
            {
                "size": args.size,
                "reader": who,
                "shown": count_matches(XTD_COMMENT_HTML, html),
                "threads": threads,
                "median": timing.median,
                "p95": timing.p95,
                "cpu": timing.cpu_median,
                "queries": queries,
            }
        )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
