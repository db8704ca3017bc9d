"""Moderation's part of a discussion page for one viewer (composed into the page by forum/pages.py): whether
they may moderate or close, whether the discussion is closed and why they may not post, the note they read
on each hidden comment, and the moderation URLs of each comment.

`moderation_state` costs no query for anonymous readers; for a logged-in reader one query for the posting
refusal (closing.posting_refusal) and, when the page holds a hidden comment they may read, one for the notes.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from articles.models import Article
from forum.comments import rules
from forum.comments.models import Comment
from forum.lib.urls import UrlForPk
from forum.moderation.closing import is_auto_closed, posting_refusal
from forum.moderation.models import Appeal, ModerationAction
from forum.moderation.permissions import can_close, can_moderate


@dataclass
class HidingNote:
    """What the author (reason) and moderators (reason and who) read about a hidden comment."""

    reason: str
    kind: str = ""
    by: str = ""  # a moderator's name, or "" when readers' reports hid it
    by_reports: bool = False
    appeal_status: str = ""  # the author's appeal, if any: an Appeal.Status value
    appeal_reason: str = ""  # and the reason of its decision
    appealable: bool = False  # forum.comments.rules.can_appeal: the author of a hidden comment

    @property
    def can_appeal(self) -> bool:
        """The Appeal link: the rule, and no appeal yet (appeals.appeal allows one) nor a spam verdict."""
        return self.appealable and not self.appeal_status and self.kind != ModerationAction.Kind.SPAM

    @property
    def appeal_label(self) -> str:
        return Appeal.Status(self.appeal_status).label if self.appeal_status else ""


class ModerationUrls:
    """The moderation URLs of one comment, from the page's ModerationLinks (no reverse() per comment)."""

    __slots__ = ("links", "pk")

    def __init__(self, links: "ModerationLinks", pk: int) -> None:
        self.links, self.pk = links, pk

    def __getattr__(self, name: str) -> str:
        # Only the routes ModerationLinks.ROUTES names (the template asks for hide_form, unhide, ...).
        if name in ModerationLinks.ROUTES:
            return self.links.url(name, self.pk)
        raise AttributeError(name)


class ModerationLinks:
    ROUTES = ("hide_form", "unhide", "lock", "unlock", "report_form", "appeal_form")

    def __init__(self) -> None:
        self._urls: dict[str, UrlForPk] = {}

    def url(self, name: str, pk: int) -> str:
        route = self._urls.get(name)
        if route is None:
            route = self._urls[name] = UrlForPk(f"moderation:{name}")
        return route(pk)

    def of(self, pk: int) -> ModerationUrls:
        return ModerationUrls(self, pk)


@dataclass
class ModerationState:
    can_moderate: bool = False
    can_close: bool = False
    closed: bool = False  # the article's comments are closed, by hand or by themselves
    refusal: str = ""  # why the comment form gives way: closed, closed by time, suspended
    notes: dict[int, HidingNote] = field(default_factory=dict)  # by comment id
    links: ModerationLinks = field(default_factory=ModerationLinks)


def moderation_state(article: Article, comments: list[Comment], user) -> ModerationState:
    """`comments`: those of the page shown with their text (not as a placeholder)."""
    if not rules.is_logged_in(user):
        return ModerationState(refusal=posting_refusal(article, user))
    state = ModerationState(
        can_moderate=can_moderate(user), can_close=can_close(user), refusal=posting_refusal(article, user)
    )
    if state.can_close:
        state.closed = rules.comments_closed(article) or is_auto_closed(article)
    state.notes = hiding_notes(comments, user, moderator=state.can_moderate)
    return state


def hiding_notes(comments: list[Comment], user, *, moderator: bool) -> dict[int, HidingNote]:
    """A note on each moderated comment this reader can read (moderators every one, authors their own), in
    one query, or none when there is no such comment."""
    readable = [
        comment for comment in comments if rules.reads_moderation_note(comment, user, moderator=moderator)
    ]
    if not readable:
        return {}
    notes: dict[int, HidingNote] = {}
    appeal = Appeal.objects.filter(comment_id=OuterRef("comment_id"))
    entries = (
        ModerationAction.objects.filter(
            comment_id__in=[comment.pk for comment in readable],
            kind__in=[
                ModerationAction.Kind.HIDE,
                ModerationAction.Kind.AUTO_HIDE,
                ModerationAction.Kind.SPAM,
            ],
        )
        .order_by("comment_id", "-created_at", "-pk")
        .only("comment_id", "kind", "reason", "actor_name")
        # The author's appeal comes along in the same query.
        .annotate(
            appeal_status=Subquery(appeal.values("status")[:1]),
            appeal_reason=Subquery(appeal.values("decision_reason")[:1]),
        )
    )
    for entry in entries:
        if entry.comment_id not in notes:
            notes[entry.comment_id] = HidingNote(
                reason=entry.get_reason_display() if entry.reason else "",
                kind=entry.kind,
                by=entry.actor_name,
                by_reports=entry.kind == ModerationAction.Kind.AUTO_HIDE,
                appeal_status=entry.appeal_status or "",
                appeal_reason=entry.appeal_reason or "",
            )
    for comment in readable:
        note = notes.setdefault(comment.pk, HidingNote(reason=""))
        note.appealable = rules.can_appeal(comment, user)
    return notes
