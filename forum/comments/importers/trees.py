"""Planning the trees of an import before anything is written: cycles broken, primary keys reserved, and
every tree numbered depth-first (`lft`, `rght`, `level`), as django-mptt would have numbered it one insert at
a time. Posts are indices into the import's list; a parent is an index or NO_PARENT."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max

from forum.comments.importers.base import ImportFailed, PostRecord
from forum.comments.models import Comment

NO_PARENT = -1


def break_cycles(parent: list[int], alive: bytearray, reparented: set[int]) -> None:
    """A file where posts are each other's ancestors: the first post met again goes to the top."""
    state = bytearray(len(parent))  # 0 unseen, 1 on the current path, 2 done
    for start in range(len(parent)):
        if state[start] or not alive[start]:
            continue
        path = []
        i = start
        while i != NO_PARENT and state[i] == 0:
            state[i] = 1
            path.append(i)
            i = parent[i]
        if i != NO_PARENT and state[i] == 1:
            parent[i] = NO_PARENT
            reparented.add(i)
        for k in path:
            state[k] = 2


def reserve_primary_keys(count: int) -> list[int]:
    """Primary keys for the new rows, known before they are written (replies may precede parents)."""
    table = Comment._meta.db_table
    column = Comment._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The transaction is IMMEDIATE: it holds the write lock, so nobody takes these ids meanwhile.
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
            return list(range(highest + 1, highest + 1 + count))
    raise ImportFailed(f"bulk import supports PostgreSQL and SQLite, not {connection.vendor}")


def number_trees(
    posts: list[PostRecord], live: list[int], pk_of: dict[int, int], parent: list[int], stored_parent: dict
) -> tuple[dict[int, tuple], list[Comment]]:
    """Compute (parent pk, tree id, lft, rght, level) of every new row, and the stored rows to renumber.

    Siblings are ordered by time (then id); the site sorts again when it shows them.
    """
    created = {}
    parent_pk: dict[int, int | None] = {}
    children: dict[int, list[int]] = defaultdict(list)
    new_roots = []
    touched_trees = set()
    for i in live:
        pk = pk_of[i]
        created[pk] = posts[i].created_at
        if parent[i] != NO_PARENT:
            parent_pk[pk] = pk_of[parent[i]]
        elif i in stored_parent:
            parent_pk[pk], tree_id = stored_parent[i]
            touched_trees.add(tree_id)
        else:
            parent_pk[pk] = None
            new_roots.append(pk)
            continue
        children[parent_pk[pk]].append(pk)

    plan: dict[int, tuple] = {}
    updates: list[Comment] = []
    for tree_id in sorted(touched_trees):
        Comment.objects.lock_thread(tree_id)
        old = {}
        root = None
        for pk, parent_id, created_at, lft, rght in Comment.objects.filter(tree_id=tree_id).values_list(
            "pk", "parent_id", "created_at", "lft", "rght"
        ):
            created[pk] = created_at
            old[pk] = (lft, rght)
            if parent_id is None:
                root = pk
            else:
                children[parent_id].append(pk)
        for pk, lft, rght, level in number_tree(root, children, created):
            if pk in old:
                if old[pk] != (lft, rght):
                    updates.append(Comment(pk=pk, lft=lft, rght=rght))
            else:
                plan[pk] = (parent_pk[pk], tree_id, lft, rght, level)

    if new_roots:
        Comment.objects.lock_new_thread()
        tree_id = (Comment.objects.aggregate(highest=Max("tree_id"))["highest"] or 0) + 1
        new_roots.sort(key=lambda pk: (created[pk], pk))
        for root in new_roots:
            for pk, lft, rght, level in number_tree(root, children, created):
                plan[pk] = (parent_pk[pk], tree_id, lft, rght, level)
            tree_id += 1
    return plan, updates


def number_tree(
    root: int, children: dict[int, list[int]], created: dict
) -> Iterable[tuple[int, int, int, int]]:
    """Depth-first numbering of one tree: yields (pk, lft, rght, level), iteratively (no recursion limit)."""
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
        kids = children.get(pk)
        if kids:
            kids.sort(key=lambda child: (created[child], child))
            stack.extend((child, level + 1, False) for child in reversed(kids))
