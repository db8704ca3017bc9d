"""A page of threads as everyone in its audience gets it, kept in each web process's memory.

A page's nodes (its bounded query and build_nodes) are the same for every reader who may see the same
comments. Anonymous readers and every logged-in reader without a comment that only they may see (their
pending comments, and their hidden ones, whose text they still read) are one audience, "everyone";
moderators, who see every comment, are another. Each process keeps the pages it built last for their
audiences (COMMENTS_RECENT_PAGES of them, for COMMENTS_FRAGMENT_CACHE_SECONDS at most), keyed by the
discussion's version (forum/comments/versions.py), read before the page's queries so that a write committed
while a page is built retires it, and by everything else a page depends on: the sort, the page number, the
language and time zone of its posting times, and the settings that shape it. A write on any host bumps the
version, so no process serves a page built before it. A reader with a comment only they may see is an
audience of one: their page is kept under their id, for them alone. While COMMENTS_RECENT_PAGES is 0 every
page is built for its request.

What is kept is shared by every request of its audience and never changed by one: what a viewer may do (their
votes, their own comments, their controls) is built beside it (viewer.py), and the HTML the audience shares
(rendering.py) is kept with it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from forum.comments import rules
from forum.comments.loading import ReaderMarks, reader_marks
from forum.comments.nodes import Node
from forum.lib.recent import RecentEntries

EVERYONE, MODERATORS = "everyone", "moderators"


@dataclass
class PreparedPage:
    nodes: list[Node]
    has_more: bool
    # The HTML every reader of the audience gets for the nodes, made by rendering.py on first use (the
    # skeleton around the viewer's parts; the whole nodes of an anonymous reader).
    shared_html: dict[str, object] = field(default_factory=dict)


recent_pages: RecentEntries[PreparedPage] = RecentEntries()
recent_marks: RecentEntries[ReaderMarks] = RecentEntries()


def audience(user, marks: ReaderMarks) -> str:
    """Whose page this reader gets: EVERYONE's, MODERATORS', or one of their own."""
    if rules.can_moderate(user):
        return MODERATORS
    return f"reader {user.pk}" if marks.sees_own_withheld else EVERYONE


def _key(article_id: int, version: int, who: str, sort: str, number: int) -> tuple:
    return (
        article_id,
        version,
        who,
        sort,
        number,
        get_language(),
        timezone.get_current_timezone_name(),
        settings.PAGE_CACHE_RELEASE,
        settings.COMMENTS_THREADS_PER_PAGE,
        settings.COMMENTS_PAGE_BUDGET,
        settings.COMMENTS_DISPLAY_DEPTH,
        tuple(settings.COMMENTS_REPLIES_PER_LEVEL),
    )


def kept_marks(article, user, version: int) -> ReaderMarks:
    """The reader's marks (loading.reader_marks) from this process's memory, kept under the discussion's
    version like the pages: a vote, a new comment and a change of a comment's status each bump it."""
    if not rules.is_logged_in(user):
        return ReaderMarks()
    key = (article.pk, version, user.pk)
    marks = recent_marks.get(key)
    if marks is None:
        marks = reader_marks(article, user)
        recent_marks.put(
            key, marks, size=settings.COMMENTS_RECENT_PAGES, seconds=settings.COMMENTS_FRAGMENT_CACHE_SECONDS
        )
    return marks


def prepared_page(
    article_id: int, version: int, who: str, sort: str, number: int, build: Callable[[], PreparedPage]
) -> PreparedPage:
    """The audience's page from this process's memory, or built (and kept) by `build`. `version` is the
    discussion's, read before anything of the page is."""
    key = _key(article_id, version, who, sort, number)
    page = recent_pages.get(key)
    if page is None:
        page = build()
        recent_pages.put(
            key, page, size=settings.COMMENTS_RECENT_PAGES, seconds=settings.COMMENTS_FRAGMENT_CACHE_SECONDS
        )
    return page
