"""What earlier imports stored: comments found by their source and id in the source."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from forum.comments.models import Comment

QUERY_CHUNK = 2000  # ids per `IN (...)` query


def stored_rows(source: str, keys: Iterable[str]) -> dict[str, tuple[int, int, int]]:
    """Comments of this source already in the database: import id → (pk, article id, tree id)."""
    keys = list(dict.fromkeys(keys))
    found = {}
    for start in range(0, len(keys), QUERY_CHUNK):
        found.update(
            (key, (pk, article_id, tree_id))
            for key, pk, article_id, tree_id in Comment.objects.filter(
                # The partial index's own condition, repeated: SQLite uses the index only when it does.
                ~Q(import_source=""),
                import_source=source,
                import_id__in=keys[start : start + QUERY_CHUNK],
            )
            .order_by()
            .values_list("import_id", "pk", "article_id", "tree_id")
        )
    return found
