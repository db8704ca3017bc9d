"""Pages of top-level threads, and where a comment sits among them.

Every function that names a page (the article page, "Load more", the page of a comment, where a new thread
goes) cuts the pages with thread_pages, so they agree on which page holds which thread.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from forum.comments.models import Comment
from forum.comments.sorting import DEFAULT_SORT, SORTS, parse_sort


def parse_page(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def thread_pages(article, user, sort: str, *, through: int | None = None) -> list[list[int]]:
    """The thread ids of each page: up to COMMENTS_THREADS_PER_PAGE threads, and no more threads once a page
    would hold more than COMMENTS_PAGE_BUDGET comments (a page always takes at least one thread). A thread
    counts its stored size (why not what it shows: docs/architecture.md, "The page budget"); the budget's
    cut of the page query (loading.bounded_comments) bounds what a page renders whatever the shape.

    With `through`, only pages 1 to `through` are cut exactly, from the first through × per-page roots and
    one more (enough to know whether a later page exists): the article page reads a few dozen roots, not
    every root of a discussion with tens of thousands of threads."""
    roots = listed_roots(article, user).order_by(*SORTS[sort])
    per_page, budget = settings.COMMENTS_THREADS_PER_PAGE, settings.COMMENTS_PAGE_BUDGET
    if through is not None:
        roots = roots[: through * per_page + 1]
    pages: list[list[int]] = []
    current: list[int] = []
    size = 0
    for thread_id, thread_size in roots.thread_sizes():
        if current and (len(current) == per_page or size + thread_size > budget):
            pages.append(current)
            current, size = [], 0
        current.append(thread_id)
        size += thread_size
    if current:
        pages.append(current)
    return pages


def listed_roots(article, user) -> QuerySet[Comment]:
    """Top-level comments a page may list. A spam root is listed too: if replies hang below it, it shows as
    a placeholder that keeps them; if none do, build_nodes leaves it out."""
    return Comment.objects.for_article(article).roots().visible_to(user, also=(Comment.Status.SPAM,))


def page_of_thread(comment: Comment, user, sort: str = DEFAULT_SORT) -> int:
    """The page of the article's discussion that shows this comment's thread."""
    for number, thread_ids in enumerate(thread_pages(comment.article_id, user, parse_sort(sort)), start=1):
        if comment.thread_id in thread_ids:
            return number
    return 1


def anchor_on_article_page(comment: Comment) -> int:
    """The comment itself, or its ancestor at the display depth when it is rendered deeper than that."""
    deepest = settings.COMMENTS_DISPLAY_DEPTH - 1
    if comment.depth <= deepest:
        return comment.pk
    return comment.ancestors().at_depth(deepest).get().pk


@dataclass
class Placement:
    """Where a thread just posted goes among the threads a reader has on screen (see place_new_thread)."""

    page: int  # the page of the discussion that holds it
    on_screen: bool = True  # False: its page is not among those on screen, so it is not inserted
    after: int | None = None  # the root comment of the thread on screen it follows; None: first


def place_new_thread(
    comment: Comment, user, *, sort: str = DEFAULT_SORT, first_page: int = 1, next_page: int | None = None
) -> Placement:
    """Where a new top-level comment sits, in this sort, for a reader who has pages `first_page` to
    `next_page - 1` of the discussion on screen ("Load more" appends pages; `next_page` None: nothing is left
    to load). It goes where a reload, and "Load more", would show it: after the nearest thread before it
    that a page renders. Pages are cut from the first thread on, so the threads before it keep their pages."""
    pages = thread_pages(comment.article_id, user, parse_sort(sort))
    number = next((n for n, thread_ids in enumerate(pages, start=1) if comment.thread_id in thread_ids), None)
    if number is None:  # not listed for this reader (already pulled): nothing on screen moves
        return Placement(page=1)
    last_page = len(pages) if next_page is None else next_page - 1
    if not first_page <= number <= last_page:
        return Placement(page=number, on_screen=False)
    shown = [thread_id for thread_ids in pages[first_page - 1 : number] for thread_id in thread_ids]
    before = shown[: shown.index(comment.thread_id)]
    rendered = _rendered_threads(before, user)
    after = next((thread_id for thread_id in reversed(before) if thread_id in rendered), None)
    if after is not None:
        # The DOM names a thread by its top-level comment.
        after = Comment.objects.roots_of([after]).values_list("pk", flat=True).get()
    return Placement(page=number, after=after)


def _rendered_threads(thread_ids: list[int], user) -> set[int]:
    """Of these listed threads, those a page shows this reader: build_nodes keeps a thread when any of its
    comments is visible (a spam root without visible replies is left out)."""
    if not thread_ids:
        return set()
    return Comment.objects.in_threads(thread_ids).visible_to(user).thread_ids()
