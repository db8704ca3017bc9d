"""The moderators' queue: one tab at a time, one page at a time, in a constant number of queries.

A page costs: the tab counts (3 queries), the page's count and rows (2, or 3 for the Reported tab whose
rows are grouped reports), the page's reports, log entries and appeals (3), its authors' comment counts,
earlier actions against them and suspensions (3), and the article filter's choices (1), whatever the number
of rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from forum.comments.models import Comment
from forum.moderation.models import Appeal, ModerationAction, Report, Suspension
from forum.moderation.reports import weighted_score

Status = Comment.Status

TABS = {
    "reported": _("Reported"),
    "pending": _("Pending"),
    "hidden": _("Hidden"),
    "spam": _("Spam"),
    "appeals": _("Appeals"),
}
TAB_STATUS = {"pending": Status.PENDING, "hidden": Status.HIDDEN, "spam": Status.SPAM}
ROW_RELATIONS = ("article", "author", "parent", "parent__author")


@dataclass
class AuthorHistory:
    joined: datetime
    comment_count: int = 0
    actions_against: list[tuple[str, int]] = field(default_factory=list)  # (label, count)
    suspension: Suspension | None = None


@dataclass
class QueueRow:
    comment: Comment
    reports: list[Report] = field(default_factory=list)
    score: float = 0.0
    log: list[ModerationAction] = field(default_factory=list)
    appeal: Appeal | None = None
    history: AuthorHistory | None = None

    @property
    def open_reports(self) -> list[Report]:
        return [report for report in self.reports if report.status == Report.Status.OPEN]


class Queue:
    def __init__(self, tab: str = "reported", *, article_id: int | None = None, author: str = ""):
        self.tab = tab if tab in TABS else "reported"
        self.article_id = article_id
        self.author = author

    # -- what the tab lists -------------------------------------------------------------------------------
    def _comment_filter(self, prefix: str = "") -> Q:
        condition = Q()
        if self.article_id:
            condition &= Q(**{f"{prefix}article_id": self.article_id})
        if self.author:
            condition &= Q(**{f"{prefix}author__username": self.author})
        return condition

    def grouped_reports(self) -> QuerySet:
        return (
            Report.objects.open()
            .filter(self._comment_filter("comment__"), comment__isnull=False)
            .values("comment_id")
            .annotate(total=Sum("weight"), first=Min("created_at"))
            .order_by("-total", "first", "comment_id")
        )

    def appeals(self) -> QuerySet:
        relations = [f"comment__{name}" for name in ROW_RELATIONS]
        return (
            Appeal.objects.open()
            .filter(self._comment_filter("comment__"))
            .select_related("comment", *relations)
            .order_by("created_at", "pk")
        )

    def comments(self) -> QuerySet:
        status = TAB_STATUS[self.tab]
        # Held comments wait oldest first; hidden comments and spam show the latest first.
        order = ("created_at", "pk") if status == Status.PENDING else ("-created_at", "-pk")
        return (
            Comment.objects.filter(self._comment_filter(), status=status)
            .select_related(*ROW_RELATIONS)
            .order_by(*order)
        )

    def listing(self) -> QuerySet:
        if self.tab == "reported":
            return self.grouped_reports()
        if self.tab == "appeals":
            return self.appeals()
        return self.comments()

    # -- counts and filter choices ---------------------------------------------------------------------------
    @staticmethod
    def counts() -> dict[str, int]:
        counts = dict.fromkeys(TABS, 0)
        by_status = (
            Comment.objects.filter(status__in=TAB_STATUS.values())
            .values("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        tab_of = {status: tab for tab, status in TAB_STATUS.items()}
        for row in by_status:
            counts[tab_of[row["status"]]] = row["n"]
        counts["reported"] = (
            Report.objects.open().filter(comment__isnull=False).values("comment_id").distinct().count()
        )
        counts["appeals"] = Appeal.objects.open().count()
        return counts

    def article_choices(self) -> list[Article]:
        if self.tab == "reported":
            ids = Report.objects.open().values("comment__article_id")
        elif self.tab == "appeals":
            ids = Appeal.objects.open().values("comment__article_id")
        else:
            ids = Comment.objects.filter(status=TAB_STATUS[self.tab]).values("article_id")
        return list(Article.objects.filter(pk__in=ids).only("pk", "title").order_by("-published_at", "-pk"))

    # -- one page -------------------------------------------------------------------------------------------
    def page(self, number) -> tuple[Page, list[QueueRow]]:
        paginator = Paginator(self.listing(), settings.MODERATION_QUEUE_PER_PAGE)
        page = paginator.get_page(number)
        items = list(page.object_list)
        if self.tab == "reported":
            by_id = Comment.objects.select_related(*ROW_RELATIONS).in_bulk(
                [item["comment_id"] for item in items]
            )
            rows = [QueueRow(by_id[item["comment_id"]]) for item in items if item["comment_id"] in by_id]
        elif self.tab == "appeals":
            rows = [QueueRow(appeal.comment, appeal=appeal) for appeal in items]
        else:
            rows = [QueueRow(comment) for comment in items]
        if rows:
            self._complete(rows)
        return page, rows

    def _complete(self, rows: list[QueueRow]) -> None:
        ids = [row.comment.pk for row in rows]
        reports: dict[int, list[Report]] = {}
        for report in (
            Report.objects.filter(comment_id__in=ids).select_related("reporter").order_by("created_at", "pk")
        ):
            reports.setdefault(report.comment_id, []).append(report)
        log: dict[int, list[ModerationAction]] = {}
        for entry in ModerationAction.objects.for_comments(ids):
            log.setdefault(entry.comment_id, []).append(entry)
        appeals = {appeal.comment_id: appeal for appeal in Appeal.objects.filter(comment_id__in=ids)}
        histories = author_histories({row.comment.author for row in rows if row.comment.author_id})
        for row in rows:
            row.reports = reports.get(row.comment.pk, [])
            row.score = weighted_score(row.open_reports)
            row.log = log.get(row.comment.pk, [])
            row.appeal = row.appeal or appeals.get(row.comment.pk)
            row.history = histories.get(row.comment.author_id)


def author_histories(authors) -> dict[int, AuthorHistory]:
    """Account age, comment count, earlier actions against them and any suspension in force, in 3 queries."""
    histories = {author.pk: AuthorHistory(joined=author.date_joined) for author in authors}
    if not histories:
        return histories
    ids = list(histories)
    counts = Comment.objects.filter(author_id__in=ids).values("author_id").annotate(n=Count("pk")).order_by()
    for row in counts:
        histories[row["author_id"]].comment_count = row["n"]
    kinds = dict(ModerationAction.Kind.choices)
    against = (
        ModerationAction.objects.against_authors(ids)
        .values("target_user_id", "kind")
        .annotate(n=Count("pk"))
        .order_by("target_user_id", "kind")
    )
    for row in against:
        histories[row["target_user_id"]].actions_against.append((kinds[row["kind"]], row["n"]))
    for suspension in Suspension.objects.active().filter(user_id__in=ids):
        history = histories[suspension.user_id]
        if outlasts(suspension, history.suspension):
            history.suspension = suspension
    return histories


def outlasts(suspension: Suspension, other: Suspension | None) -> bool:
    if other is None or suspension.ends_at is None:
        return True
    return other.ends_at is not None and suspension.ends_at > other.ends_at
