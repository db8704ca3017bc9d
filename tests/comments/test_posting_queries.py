"""What posting costs in SQL, pinned so that it cannot grow unnoticed (docs/architecture.md, "Performance
targets"). The numbers are those of the call inside a test's transaction: its own transaction is a savepoint
here, and the tasks enqueued on commit never run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.comments import posting
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

# The policies (a suspension in force? the article's automatic close, read once per article instance), a
# savepoint, the duplicate check, the next thread id, the insert, the count, a spam check and a notification
# job (each an insert in a savepoint), the release; plus the advisory lock on PostgreSQL.
NEW_THREAD = 14
# A reply refreshes its parent (django-mptt, under the lock) and makes room in the tree instead of asking the
# next thread id; below a reply it also asks whether a comment above is locked.
REPLY_TO_REPLY = 16


def lock_queries() -> int:
    return 1 if connection.vendor == "postgresql" else 0


def posted_queries(**kwargs) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        posting.post_comment(body="A considered view.", **kwargs)
    return [query["sql"] for query in captured.captured_queries]


def test_posting_a_new_thread_costs_a_fixed_number_of_queries(article, reader):
    CommentFactory(article=article)

    queries = posted_queries(article=article, author=reader)

    assert len(queries) == NEW_THREAD + lock_queries(), "\n".join(queries)


def test_posting_a_reply_to_a_reply_costs_a_fixed_number_of_queries(article, reader):
    parent = CommentFactory(article=article, parent=CommentFactory(article=article))

    queries = posted_queries(article=article, author=reader, parent=parent)

    assert len(queries) == REPLY_TO_REPLY + lock_queries(), "\n".join(queries)


def test_posting_a_reply_reads_no_row_twice(article, reader):
    parent = CommentFactory(article=article, parent=CommentFactory(article=article))

    queries = posted_queries(article=article, author=reader, parent=parent)

    statements = [sql for sql in queries if "SAVEPOINT" not in sql]
    assert len(statements) == len(set(statements)), "\n".join(statements)
