"""WordPress exports (WXR): `<rss><channel><item>` per post, with its comments as `<wp:comment>` children.

WordPress stores a comment's text with bare line breaks and adds paragraphs when it shows it; the reader
does the same (`paragraphs_from_text`) before the text is sanitised like any other message.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from forum.comments.importers.base import (
    PostRecord,
    Reader,
    ThreadRecord,
    child_text,
    local_name,
    parse_time,
)
from forum.comments.importers.text import paragraphs_from_text
from forum.comments.models import Comment

WP_NS_PREFIX = "{http://wordpress.org/export/"  # 1.0, 1.1, 1.2 ...
MAX_ID_LENGTH = Comment._meta.get_field("import_id").max_length

APPROVED = {
    "1": Comment.Status.PUBLISHED,
    "approve": Comment.Status.PUBLISHED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    # Trashed comments are removed ones: like a Disqus deletion, they keep their place only if answered.
    "trash": Comment.Status.DELETED,
    "post-trashed": Comment.Status.DELETED,
}
NOT_COMMENTS = {"pingback", "trackback"}


class WordPressReader(Reader):
    source = "wordpress"
    label = "WordPress"

    def records(self) -> Iterator[ThreadRecord | PostRecord]:
        self.skipped = 0
        channel = None
        item_line = comment_line = 0
        comments: list[PostRecord] = []
        for event, element, depth, line in self.iter_xml(max_depth=4):
            if depth == 1:
                if event == "start" and local_name(element.tag) != "rss":
                    raise self.error(
                        line,
                        f"this is not a WordPress export (WXR): it starts with <{local_name(element.tag)}>, "
                        "not <rss>",
                    )
            elif depth == 2:
                if event == "start":
                    channel = element
            elif depth == 3 and local_name(element.tag) == "item":
                if event == "start":
                    item_line, comments = line, []
                    continue
                if comments:
                    thread = self.thread(element, item_line)
                    yield thread
                    for comment in comments:
                        comment.thread_ref = thread.key
                        yield comment
                channel.clear()  # the item and everything before it: memory stays flat
            elif depth == 4 and element.tag.startswith(WP_NS_PREFIX) and local_name(element.tag) == "comment":
                if event == "start":
                    comment_line = line
                    continue
                comment = self.comment(element, comment_line)
                if comment is not None:
                    comments.append(comment)
                element.clear()

    def thread(self, item: ET.Element, line: int) -> ThreadRecord:
        key = child_text(item, "post_id")
        if not key:
            raise self.error(line, "an <item> with comments has no <wp:post_id>")
        return ThreadRecord(
            key=key,
            identifier=child_text(item, "post_name"),
            link=child_text(item, "link"),
            title=child_text(item, "title"),
            line=line,
            refs=(key,),
        )

    def comment(self, element: ET.Element, line: int) -> PostRecord | None:
        key = child_text(element, "comment_id")
        if not key:
            raise self.error(line, "a <wp:comment> has no <wp:comment_id>")
        if len(key) > MAX_ID_LENGTH:
            raise self.error(line, f"comment id {key[:20]}… is longer than {MAX_ID_LENGTH} characters")
        if child_text(element, "comment_type") in NOT_COMMENTS:
            self.skipped += 1
            return None
        approved = child_text(element, "comment_approved")
        if approved not in APPROVED:
            raise self.error(
                line, f"comment {key}: <wp:comment_approved> {approved!r} is not 1, 0, spam or trash"
            )
        parent = child_text(element, "comment_parent")
        return PostRecord(
            key=key,
            thread_ref=None,  # set from the enclosing <item>
            parent_ref=parent if parent not in ("", "0") else None,
            created_at=self.created_at(element, key, line),
            status=APPROVED[approved],
            author_name=child_text(element, "comment_author"),
            message=paragraphs_from_text(child_text(element, "comment_content")),
            line=line,
            refs=(key,),
        )

    def created_at(self, element: ET.Element, key: str, line: int) -> datetime:
        """`wp:comment_date_gmt` is UTC; exports of old sites leave it zero, then the local date counts."""
        value = child_text(element, "comment_date_gmt")
        in_utc = bool(value) and not value.startswith("0000")
        if not in_utc:
            value = child_text(element, "comment_date")
        if not value:
            raise self.error(line, f"comment {key} has no <wp:comment_date_gmt>")
        try:
            moment = datetime.fromisoformat(value) if not in_utc else parse_time(value)
        except ValueError:
            raise self.error(line, f"comment {key}: the date {value!r} is not a date and time") from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment
