"""Verify and repair the MPTT trees of comments (`manage.py check_comment_trees`)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from forum.comments.models import Comment
from forum.comments.nested_sets import number_tree


@dataclass
class TreeProblem:
    tree_id: int
    message: str

    def __str__(self) -> str:
        return f"tree {self.tree_id}: {self.message}"


def check_tree(rows: list[tuple[int, int | None, int, int, int]], tree_id: int) -> list[TreeProblem]:
    """Check one tree given (pk, parent_id, lft, rght, level) rows.

    The invariants: exactly one root; the bounds are exactly 1..2n, each used once; every node's lft < rght;
    every child lies inside its parent; every level is its parent's level + 1.
    """
    problems = []
    roots = [row for row in rows if row[1] is None]
    if len(roots) != 1:
        problems.append(TreeProblem(tree_id, f"{len(roots)} roots instead of 1"))
    bounds = sorted(bound for row in rows for bound in (row[2], row[3]))
    if bounds != list(range(1, 2 * len(rows) + 1)):
        problems.append(TreeProblem(tree_id, f"bounds are not exactly 1..{2 * len(rows)}"))
    by_pk = {row[0]: row for row in rows}
    for pk, parent_id, lft, rght, level in rows:
        if lft >= rght:
            problems.append(TreeProblem(tree_id, f"comment {pk} has lft {lft} >= rght {rght}"))
        if parent_id is None:
            if level != 0 or lft != 1:
                problems.append(TreeProblem(tree_id, f"root {pk} has level {level} and lft {lft}"))
            continue
        parent = by_pk.get(parent_id)
        if parent is None:
            problems.append(TreeProblem(tree_id, f"comment {pk}'s parent {parent_id} is in another tree"))
            continue
        if not (parent[2] < lft and rght < parent[3]):
            problems.append(TreeProblem(tree_id, f"comment {pk} lies outside its parent {parent_id}"))
        if level != parent[4] + 1:
            problems.append(TreeProblem(tree_id, f"comment {pk} has level {level}, its parent {parent[4]}"))
    problems += _check_nesting(rows, tree_id)
    return problems


def _check_nesting(rows, tree_id: int) -> list[TreeProblem]:
    """The node that most closely encloses a comment's bounds must be its parent."""
    problems = []
    open_nodes: list[tuple] = []
    for row in sorted(rows, key=lambda r: r[2]):
        pk, parent_id, lft, _rght, _level = row
        while open_nodes and open_nodes[-1][3] < lft:
            open_nodes.pop()
        enclosing = open_nodes[-1][0] if open_nodes else None
        if enclosing != parent_id:
            problems.append(
                TreeProblem(tree_id, f"comment {pk} lies inside {enclosing}, but its parent is {parent_id}")
            )
        open_nodes.append(row)
    return problems


def check_all_trees(tree_ids: list[int] | None = None) -> list[TreeProblem]:
    comments = Comment.objects.order_by("tree_id", "lft")
    if tree_ids is not None:
        comments = comments.filter(tree_id__in=tree_ids)
    problems: list[TreeProblem] = []
    current, rows = None, []
    for tree_id, *row in comments.values_list("tree_id", "pk", "parent_id", "lft", "rght", "level").iterator(
        chunk_size=5000
    ):
        if tree_id != current:
            if rows:
                problems += check_tree(rows, current)
            current, rows = tree_id, []
        rows.append(tuple(row))
    if rows:
        problems += check_tree(rows, current)
    return problems


def repair_tree(tree_id: int, batch_size: int = 1000) -> None:
    """Rebuild one tree's lft/rght/level from the parent links, under the thread lock.

    What django-mptt's `partial_rebuild` does (siblings keep their order by lft), without its recursion,
    which fails on a reply chain deeper than Python's recursion limit.
    """
    with transaction.atomic():
        Comment.objects.lock_thread(tree_id)
        rows = Comment.objects.filter(tree_id=tree_id).order_by("lft", "pk").values_list("pk", "parent_id")
        roots: list[int] = []
        children: dict[int, list[int]] = defaultdict(list)
        for pk, parent_id in rows:
            if parent_id is None:
                roots.append(pk)
            else:
                children[parent_id].append(pk)
        if not roots:
            return
        if len(roots) > 1:
            raise RuntimeError(
                f"More than one root node with tree_id {tree_id}. That's invalid, do a full rebuild."
            )
        numbered = [
            Comment(pk=pk, lft=lft, rght=rght, level=level)
            for pk, lft, rght, level in number_tree(roots[0], children)
        ]
        Comment.objects.bulk_update(numbered, ["lft", "rght", "level"], batch_size=batch_size)
