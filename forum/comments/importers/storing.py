"""The second pass: read the file again and store its posts in batches as they come, at the places the plan
gave them (parents may come after their replies: the keys are known in advance, and foreign keys are
checked at commit)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from forum.comments.importers.base import ImportFileError, PostRecord, Reader
from forum.comments.importers.text import message_to_comment
from forum.comments.models import Comment

AUTHOR_MAX = Comment._meta.get_field("author_name").max_length

# key → (pk, parent pk, tree id, lft, rght, level, article id)
Row = tuple[int, int | None, int, int, int, int, int]


def store(
    reader: Reader,
    rows: dict[str, Row],
    *,
    source: str,
    batch_size: int,
    progress: Callable[[str, int, int | None], None],
) -> None:
    """Store the post of each row of `rows` (which it empties); ImportFileError if some never came."""
    total = len(rows)
    batch: list[Comment] = []
    stored = 0
    for record in reader.records():
        if not isinstance(record, PostRecord):
            continue
        row = rows.pop(record.key, None)
        if row is None:
            continue
        batch.append(comment_of(record, row, source))
        if len(batch) >= batch_size:
            Comment.objects.bulk_create(batch)
            stored += len(batch)
            batch = []
            forget_queries()
            progress("Storing", stored, total)
    if batch:
        Comment.objects.bulk_create(batch)
        stored += len(batch)
    if rows:
        raise ImportFileError(
            reader.path, None, f"the file changed while it was read: {len(rows)} posts went missing"
        )
    progress("Storing", stored, total)


def comment_of(record: PostRecord, row: Row, source: str) -> Comment:
    pk, parent_id, tree_id, lft, rght, level, article_id = row
    if record.status == Comment.Status.DELETED:
        # Nothing of a deleted post is kept but its place in the tree and its time.
        body = body_html = author_name = ""
    else:
        body, body_html = message_to_comment(record.message or "")
        author_name = record.author_name[:AUTHOR_MAX]
    return Comment(
        pk=pk,
        article_id=article_id,
        parent_id=parent_id,
        tree_id=tree_id,
        lft=lft,
        rght=rght,
        level=level,
        author_name=author_name,
        body=body,
        body_html=body_html,
        status=record.status,
        created_at=record.created_at,
        import_source=source,
        import_id=record.key,
    )


def forget_queries() -> None:
    """With DEBUG on, Django keeps the SQL of the last 9,000 queries, and a batch INSERT's SQL holds a
    thousand messages: drop it, unless a test is counting queries (it forces the debug cursor)."""
    if connection.queries_logged and not connection.force_debug_cursor:
        connection.queries_log.clear()
