"""The shape of a benchmark discussion: who answers whom, how deep, and what became a placeholder.

Pure Python and deterministic (seeded), so Tribune and the django-comments-xtd project build the very same
tree. A node is a row of a pre-order walk: its parent's index (None for a top-level comment), its level
and its status. Comments are posted in index order, so index order is also time order.
"""

import random
from dataclasses import dataclass, field

TOP_LEVEL_SHARE = 0.30  # ~30% of the comments start a thread
CONVERSATION_SHARE = 0.3  # a reply answers the thread's latest comment (back-and-forth chains)
CLIMB_SHARE = 0.25  # per level: answer the parent's parent instead
MAX_LEVEL = 10  # deepest reply, counting the top-level comment as level 0
DELETED_SHARE = 0.05  # of the comments that have replies: deleted by the author, kept as a placeholder
HIDDEN_SHARE = 0.02  # hidden by a moderator
PENDING_SHARE = 0.01  # awaiting moderation (readers other than the author do not see them)

PUBLISHED, DELETED, HIDDEN, PENDING = "published", "deleted", "hidden", "pending"


@dataclass
class Node:
    index: int
    parent: int | None
    level: int
    thread: int  # index of the thread's top-level comment
    status: str = PUBLISHED
    children: list[int] = field(default_factory=list)


def make_shape(size: int, seed: int = 2024) -> list[Node]:
    """`size` comments in posting order (index order = time order)."""
    rng = random.Random(seed * 100_003 + size)
    nodes: list[Node] = []
    latest_in_thread: dict[int, int] = {}
    for index in range(size):
        if index == 0 or rng.random() < TOP_LEVEL_SHARE:
            nodes.append(Node(index=index, parent=None, level=0, thread=index))
            latest_in_thread[index] = index
            continue
        # Any earlier comment is equally likely to be answered, so big threads attract more replies
        # (a heavy tail of long threads); often the reply continues the thread's latest exchange instead.
        parent = nodes[rng.randrange(index)]
        if rng.random() < CONVERSATION_SHARE:
            parent = nodes[latest_in_thread[parent.thread]]
        # Readers answer higher up the thread more often than deep down: climb a level now and then.
        while parent.level >= MAX_LEVEL or (parent.level > 0 and rng.random() < CLIMB_SHARE):
            parent = nodes[parent.parent]
        node = Node(index=index, parent=parent.index, level=parent.level + 1, thread=parent.thread)
        parent.children.append(index)
        nodes.append(node)
        latest_in_thread[parent.thread] = index
    for node in nodes:
        roll = rng.random()
        if node.children and roll < DELETED_SHARE:
            node.status = DELETED
        elif roll < HIDDEN_SHARE:
            node.status = HIDDEN
        elif not node.children and HIDDEN_SHARE <= roll < HIDDEN_SHARE + PENDING_SHARE:
            node.status = PENDING
    return nodes


def preorder(nodes: list[Node]) -> list[Node]:
    """Every thread in posting order, each in depth-first order with replies oldest first."""
    ordered: list[Node] = []
    for root in (node for node in nodes if node.parent is None):
        stack = [root.index]
        while stack:
            node = nodes[stack.pop()]
            ordered.append(node)
            stack.extend(reversed(node.children))
    return ordered


def nested_sets(nodes: list[Node]) -> dict[int, tuple[int, int]]:
    """(lft, rght) of each node in its own thread, as django-mptt numbers them (1 .. 2n per tree)."""
    bounds: dict[int, tuple[int, int]] = {}
    for root in (node for node in nodes if node.parent is None):
        counter = 0
        stack: list[tuple[int, bool]] = [(root.index, False)]
        lefts: dict[int, int] = {}
        while stack:
            index, done = stack.pop()
            counter += 1
            if done:
                bounds[index] = (lefts[index], counter)
                continue
            lefts[index] = counter
            stack.append((index, True))
            stack.extend((child, False) for child in reversed(nodes[index].children))
    return bounds


def capped_parent(nodes: list[Node], node: Node, max_level: int) -> Node:
    """The parent as django-comments-xtd stores it: a reply to a comment at its maximum thread level becomes
    that comment's sibling (XtdComment.save), so deep replies hang from the ancestor above that level."""
    parent = nodes[node.parent]
    while parent.level >= max_level:
        parent = nodes[parent.parent]
    return parent


def describe(nodes: list[Node]) -> dict:
    threads = [node for node in nodes if node.parent is None]
    sizes: dict[int, int] = {}
    for node in nodes:
        sizes[node.thread] = sizes.get(node.thread, 0) + 1
    return {
        "comments": len(nodes),
        "threads": len(threads),
        "largest_thread": max(sizes.values()),
        "deepest_level": max(node.level for node in nodes),
        "statuses": {
            s: sum(1 for n in nodes if n.status == s) for s in (PUBLISHED, DELETED, HIDDEN, PENDING)
        },
    }
