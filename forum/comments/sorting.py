"""The sorts of a discussion: how threads and sibling replies are ordered, and keyset paging in that order."""

from django.db.models import Q

from forum.comments.models import Comment

SORTS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "top": ("-score", "created_at", "pk"),
}
DEFAULT_SORT = "oldest"


def parse_sort(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def sort_key(sort: str):
    """The sort of top-level threads (done by the database) applied to sibling nodes in Python."""
    if sort == "newest":
        return lambda node: (-node.comment.created_at.timestamp(), -node.comment.pk)
    if sort == "top":
        return lambda node: (-node.comment.score, node.comment.created_at, node.comment.pk)
    return lambda node: (node.comment.created_at, node.comment.pk)


def after_sibling(sort: str, sibling: Comment) -> Q:
    """The replies that come after `sibling` in this sort: keyset paging by the sort key and the pk, so that
    replies posted meanwhile neither shift nor repeat what a reader already has."""
    if sort == "newest":
        return Q(created_at__lt=sibling.created_at) | Q(created_at=sibling.created_at, pk__lt=sibling.pk)
    later = Q(created_at__gt=sibling.created_at) | Q(created_at=sibling.created_at, pk__gt=sibling.pk)
    if sort == "top":
        return Q(score__lt=sibling.score) | (Q(score=sibling.score) & later)
    return later
