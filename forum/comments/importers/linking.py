"""The shape of the imported trees, from the file's parent references: each post's parent (a post of the
file or a comment stored by an earlier run), cycles broken, and deleted posts that nobody answered dropped.

Posts are numbered by their place in the file; `alive[i]` says whether post i is still to be stored. Every
walk here is iterative: a reply chain may be thousands deep."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from forum.comments.importers.base import PostRecord
from forum.comments.importers.earlier import stored_rows
from forum.comments.models import Comment

NO_PARENT = -1


def link_parents(
    posts: list[PostRecord],
    post_by_ref: dict[Hashable, int],
    existing: dict[str, tuple[int, int, int]],
    alive: bytearray,
    article_of: list[int | None],
    *,
    source: str,
    key_for_ref: Callable[[Hashable], str],
) -> tuple[list[int], dict[int, tuple[int, int]], set[int]]:
    """Parent of each live post: an index in the file, or (pk, tree id) of a comment stored before; and the
    posts whose parent is missing (or in another article), which go to the top level."""
    parent = [NO_PARENT] * len(posts)
    stored_parent: dict[int, tuple[int, int]] = {}
    reparented: set[int] = set()
    look_up: dict[int, str] = {}
    for i, post in enumerate(posts):
        if not alive[i] or post.parent_ref is None:
            continue
        j = post_by_ref.get(post.parent_ref)
        if j is None:
            look_up[i] = key_for_ref(post.parent_ref)
        elif posts[j].key in existing:
            pk, article_id, tree_id = existing[posts[j].key]
            if article_id == article_of[i]:
                stored_parent[i] = (pk, tree_id)
            else:
                reparented.add(i)
        elif alive[j] and article_of[j] == article_of[i]:
            parent[i] = j
        else:
            reparented.add(i)
    if look_up:  # parents absent from this file, perhaps imported by an earlier run
        stored = stored_rows(source, look_up.values())
        for i, key in look_up.items():
            row = stored.get(key)
            if row is not None and row[1] == article_of[i]:
                stored_parent[i] = (row[0], row[2])
            else:
                reparented.add(i)
    return parent, stored_parent, reparented


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


def drop_unanswered_deleted(posts: list[PostRecord], parent: list[int], alive: bytearray) -> int:
    """A deleted post is kept (as a placeholder without text) only while it has replies. Returns how many
    posts were dropped."""
    replies = [0] * len(posts)
    for i in range(len(posts)):
        if alive[i] and parent[i] != NO_PARENT:
            replies[parent[i]] += 1
    deleted = Comment.Status.DELETED
    stack = [i for i in range(len(posts)) if alive[i] and posts[i].status == deleted and not replies[i]]
    dropped = 0
    while stack:
        i = stack.pop()
        alive[i] = 0
        dropped += 1
        j = parent[i]
        if j != NO_PARENT:
            replies[j] -= 1
            if not replies[j] and alive[j] and posts[j].status == deleted:
                stack.append(j)
    return dropped
