"""Which article each imported thread goes under: the one its identifier or link names by slug, else a new
draft for the editors."""

import re
from collections import defaultdict
from urllib.parse import urlsplit

from django.utils.text import slugify
from django.utils.translation import gettext

from articles.models import Article
from forum.comments.importers.base import ThreadRecord
from forum.lib.markdown import render_article

QUERY_CHUNK = 2000
SLUG_MAX = Article._meta.get_field("slug").max_length
TITLE_MAX = Article._meta.get_field("title").max_length
PAGE_EXTENSIONS = re.compile(r"\.(html?|php|aspx?)$", re.IGNORECASE)


def articles_for_threads(
    threads: dict[str, ThreadRecord], keys: list[str], *, source: str, label: str, batch_size: int
) -> tuple[dict[str, int], list[str]]:
    """Thread → article by identifier (the slug), else by the slug in its link; else a new draft article.
    Returns the articles of the threads, and the slugs of the drafts created."""
    candidates = {key: slug_candidates(threads[key], source) for key in keys}
    wanted = {slug for slugs in candidates.values() for slug in slugs}
    found = {}
    wanted_list = sorted(wanted)
    for start in range(0, len(wanted_list), QUERY_CHUNK):
        found.update(
            Article.objects.filter(slug__in=wanted_list[start : start + QUERY_CHUNK]).values_list(
                "slug", "pk"
            )
        )
    articles: dict[str, int] = {}
    drafts: dict[str, Article] = {}
    draft_threads: dict[str, list[str]] = defaultdict(list)
    for key, slugs in candidates.items():
        match = next((slug for slug in slugs if slug in found), None)
        if match is not None:
            articles[key] = found[match]
            continue
        draft_slug = slugs[-1]
        draft_threads[draft_slug].append(key)
        if draft_slug not in drafts:
            drafts[draft_slug] = draft_article(threads[key], draft_slug, label=label)
    if not drafts:
        return articles, []
    created = Article.objects.bulk_create(list(drafts.values()), batch_size=batch_size)
    for draft in created:
        for key in draft_threads[draft.slug]:
            articles[key] = draft.pk
    return articles, [draft.slug for draft in created]


def draft_article(thread: ThreadRecord, slug: str, *, label: str) -> Article:
    body = gettext(
        "Comments imported from %(source)s for a page that no article matched (%(link)s). "
        "Write the article here, or move its comments, before publishing."
    ) % {
        "source": label,
        "link": thread.link or thread.identifier or thread.key,
    }
    return Article(
        title=(thread.title or slug)[:TITLE_MAX],
        slug=slug,
        body=body,
        body_html=render_article(body),
        status=Article.Status.DRAFT,
    )


def slug_candidates(thread: ThreadRecord, source: str) -> list[str]:
    """Slugs that may name the thread's article, best first; the last one is also the draft's slug."""
    candidates = []
    if is_slug(thread.identifier):
        candidates.append(thread.identifier)
    if thread.link:
        segments = [segment for segment in urlsplit(thread.link).path.split("/") if segment]
        if segments:
            last = PAGE_EXTENSIONS.sub("", segments[-1])
            if is_slug(last):
                candidates.append(last)
    draft = candidates[0].lower() if candidates else slugify(thread.title)[:SLUG_MAX].strip("-")
    if not draft:
        draft = slugify(f"{source}-thread-{thread.key}")[:SLUG_MAX]
    if draft not in candidates:
        candidates.append(draft)
    return candidates


def is_slug(value: str) -> bool:
    return bool(value) and len(value) <= SLUG_MAX and re.fullmatch(r"[-a-zA-Z0-9_]+", value) is not None
