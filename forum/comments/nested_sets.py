"""Nested-set numbering (`lft`, `rght`, `level`) of one tree from its parent links, without recursion.

A reply chain may be thousands deep, deeper than Python's recursion limit, so the depth-first walk keeps
its own stack. The importers number the trees they build with it, and `check_comment_trees --fix` rebuilds
a broken tree with it (django-mptt's own rebuild recurses once per level).
"""

from collections.abc import Callable, Iterator, Mapping, Sequence


def number_tree(
    root: int, children: Mapping[int, Sequence[int]], key: Callable[[int], object] | None = None
) -> Iterator[tuple[int, int, int, int]]:
    """Number the tree under `root` depth-first, each node's children in the order given (or sorted by
    `key`): yields (pk, lft, rght, level) as each node closes, so parents come after their replies."""
    counter = 1
    left: dict[int, int] = {}
    stack: list[tuple[int, int, bool]] = [(root, 0, False)]
    while stack:
        pk, level, closing = stack.pop()
        if closing:
            yield pk, left.pop(pk), counter, level
            counter += 1
            continue
        left[pk] = counter
        counter += 1
        stack.append((pk, level, True))
        kids = children.get(pk, ())
        if key is not None:
            kids = sorted(kids, key=key)
        stack.extend((child, level + 1, False) for child in reversed(kids))
