"""Take the discussions out again: in the Disqus format, which `import_disqus` reads back, or as JSON.

Both are written as they are read from the database (comments in tree order, parents before replies), so
memory stays flat whatever the size of the site. The JSON shape is documented in docs/migrating.md.

In the Disqus format a thread is an article (`dsq:id` = article id, `<id>` = slug) and a post is a comment
(`dsq:id` = comment id). `isDeleted` and `isSpam` carry those statuses as Disqus does; every post also
carries `<tribune:status>`, so that statuses Disqus has no flag for (pending, hidden) survive a round trip.
`<message>` is the stored, sanitised HTML. E-mail and IP addresses are never exported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from xml.sax.saxutils import escape, quoteattr

from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article
from forum.comments.importers.disqus import DISQUS_NS, DSQ_NS, TRIBUNE_NS
from forum.comments.models import Comment

FORMATS = ("disqus", "json")
JSON_FORMAT_NAME = "tribune-comments"
JSON_FORMAT_VERSION = 1
CHUNK_SIZE = 2000

# Characters XML 1.0 cannot carry, even in CDATA.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass
class ExportReport:
    articles: int = 0
    comments: int = 0


def export_comments(
    out: Writable, *, format: str, articles: QuerySet[Article] | None = None, base_url: str = ""
) -> ExportReport:
    """Write the comments of `articles` (default: every article that has comments) to `out`."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")
    if articles is None:
        articles = Article.objects.filter(pk__in=Comment.objects.values("article_id"))
    articles = articles.order_by("pk")
    comments = (
        Comment.objects.filter(article__in=articles)
        .select_related("author")
        .in_tree_order("article_id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    writer = DisqusWriter if format == "disqus" else JsonWriter
    return writer(out, base_url.rstrip("/")).write(articles, comments)


def iso_time(moment: datetime | None) -> str | None:
    """UTC, with a Z; fractions of a second only when there are some (Disqus writes whole seconds)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def author_of(comment: Comment) -> tuple[str, bool]:
    """(name shown, whether it is an account)."""
    if comment.author_id:
        return comment.author.public_name, True
    return comment.author_name, False


class DisqusWriter:
    def __init__(self, out: Writable, base_url: str):
        self.out = out
        self.base_url = base_url

    def write(self, articles: QuerySet[Article], comments: Iterator[Comment]) -> ExportReport:
        report = ExportReport()
        self.out.write('<?xml version="1.0" encoding="utf-8"?>\n')
        self.out.write(f"<disqus xmlns={quoteattr(DISQUS_NS)} xmlns:dsq={quoteattr(DSQ_NS)}")
        self.out.write(f" xmlns:tribune={quoteattr(TRIBUNE_NS)}>\n")
        for article in articles.iterator(chunk_size=CHUNK_SIZE):
            self.thread(article)
            report.articles += 1
        for comment in comments:
            self.post(comment)
            report.comments += 1
        self.out.write("</disqus>\n")
        return report

    def thread(self, article: Article) -> None:
        self.out.write(
            f"  <thread dsq:id={quoteattr(str(article.pk))}>\n"
            f"    <id>{text(article.slug)}</id>\n"
            f"    <link>{text(self.base_url + article.get_absolute_url())}</link>\n"
            f"    <title>{text(article.title)}</title>\n"
            f"    <message/>\n"
            f"    <createdAt>{iso_time(article.published_at)}</createdAt>\n"
            f"    <isClosed>{flag(not article.comments_open)}</isClosed>\n"
            f"    <isDeleted>false</isDeleted>\n"
            f"  </thread>\n"
        )

    def post(self, comment: Comment) -> None:
        name, account = author_of(comment)
        parent = f'    <parent dsq:id="{comment.parent_id}"/>\n' if comment.parent_id else ""
        self.out.write(
            f'  <post dsq:id="{comment.pk}">\n'
            f"    <id/>\n"
            f"    <message>{cdata(comment.body_html)}</message>\n"
            f"    <createdAt>{iso_time(comment.created_at)}</createdAt>\n"
            f"    <isDeleted>{flag(comment.status == Comment.Status.DELETED)}</isDeleted>\n"
            f"    <isSpam>{flag(comment.status == Comment.Status.SPAM)}</isSpam>\n"
            f"    <author>\n"
            f"      <name>{text(name)}</name>\n"
            f"      <isAnonymous>{flag(not account)}</isAnonymous>\n"
            f"    </author>\n"
            f'    <thread dsq:id="{comment.article_id}"/>\n'
            f"{parent}"
            f"    <tribune:status>{comment.status}</tribune:status>\n"
            f"  </post>\n"
        )


def text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def cdata(value: str) -> str:
    if not value:
        return ""
    return "<![CDATA[" + _NOT_XML.sub("", value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def flag(value: bool) -> str:
    return "true" if value else "false"


class JsonWriter:
    """One JSON document, written as it goes: an object per article, a line per comment."""

    def __init__(self, out: Writable, base_url: str):
        self.out = out
        self.base_url = base_url

    def write(self, articles: QuerySet[Article], comments: Iterator[Comment]) -> ExportReport:
        report = ExportReport()
        header = {
            "format": JSON_FORMAT_NAME,
            "version": JSON_FORMAT_VERSION,
            "exported_at": iso_time(timezone.now()),
        }
        self.out.write(dump(header)[:-1] + ', "articles": [')
        pending = next(comments, None)
        for number, article in enumerate(articles.iterator(chunk_size=CHUNK_SIZE)):
            self.out.write(("," if number else "") + "\n  " + dump(self.article(article))[:-2])
            first = True
            while pending is not None and pending.article_id == article.pk:
                self.out.write(("," if not first else "") + "\n    " + dump(self.comment(pending)))
                first = False
                report.comments += 1
                pending = next(comments, None)
            self.out.write("\n  ]}" if not first else "]}")
            report.articles += 1
        self.out.write("\n]}\n")
        return report

    def article(self, article: Article) -> dict:
        return {
            "slug": article.slug,
            "title": article.title,
            "url": self.base_url + article.get_absolute_url(),
            "published_at": iso_time(article.published_at),
            "comments_open": article.comments_open,
            "comments": [],
        }

    @staticmethod
    def comment(comment: Comment) -> dict:
        name, account = author_of(comment)
        return {
            "id": comment.pk,
            "parent": comment.parent_id,
            "depth": comment.depth,
            "created_at": iso_time(comment.created_at),
            "edited_at": iso_time(comment.edited_at),
            "author": {"name": name, "account": account, "user_id": comment.author_id},
            "status": comment.status,
            "body": comment.body,
            "html": comment.body_html,
            "score": comment.score,
            "imported_from": (
                {"source": comment.import_source, "id": comment.import_id} if comment.import_source else None
            ),
        }


def dump(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)
