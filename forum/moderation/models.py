from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 1000
APPEAL_MAX_LENGTH = 500


class Reason(models.TextChoices):
    """Why a comment was reported or acted on. A reader sees the label of the reason, never the note."""

    SPAM = "spam", _("Spam")
    ABUSE = "abuse", _("Abuse")
    OFF_TOPIC = "off_topic", _("Off-topic")
    PERSONAL_DATA = "personal_data", _("Personal data")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Other")


# A moderator hides for one of these; a reader may also report illegal content (with the law it breaks).
HIDE_REASONS = [(value, label) for value, label in Reason.choices if value != Reason.ILLEGAL]
REPORT_REASONS = Reason.choices


class AppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry."""


class ModerationActionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The moderation log is append-only: entries are never changed.")

    def delete(self):
        raise AppendOnly("The moderation log is append-only: entries are never deleted.")

    def forget_names(self, user, name: str) -> int:
        """The one change the log allows (the PostgreSQL trigger too): when an account is deleted, its
        username in the entries becomes `name`, and the text of its own appeals goes, as do both texts of
        the moderators' edits of its comments (what they wrote, and the moderator's version of it).
        Everything else about each entry stays."""
        rows = models.QuerySet.update(self.filter(actor=user), actor_name=name)
        rows += models.QuerySet.update(self.filter(target_user=user), target_name=name)
        models.QuerySet.update(self.filter(actor=user, kind=ModerationAction.Kind.APPEAL), note="")
        models.QuerySet.update(
            self.filter(target_user=user, kind=ModerationAction.Kind.EDIT), text_before="", text_after=""
        )
        return rows

    def for_comments(self, comment_ids) -> "ModerationActionQuerySet":
        return self.filter(comment_id__in=comment_ids).select_related("actor").order_by("created_at", "pk")

    def against_authors(self, user_ids) -> "ModerationActionQuerySet":
        return self.filter(target_user_id__in=user_ids, kind__in=ModerationAction.AGAINST_AUTHOR)


class ModerationAction(models.Model):
    """One entry of the audit log: who did what to which comment (or reader, or article), when and why.

    Append-only: the model refuses to save an existing row or delete one, its queryset refuses update() and
    delete(), the admin is read-only and, on PostgreSQL, a trigger refuses UPDATE and DELETE, except the
    erasure of a deleted account's names, appeal texts and edited texts (`forget_names`). The links to the
    comment, article and users carry no database constraint and are never cascaded, so an entry survives the
    deletion of what it is about (the comment id stays; the names are kept as text).
    """

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Unhidden")
        APPROVE = "approve", _("Approved")
        SPAM = "spam", _("Marked as spam")
        DELETE = "delete", _("Deleted for good")
        AUTO_HIDE = "auto_hide", _("Hidden by readers' reports")
        SUSPEND = "suspend", _("Author suspended")
        LIFT_SUSPENSION = "lift_suspension", _("Suspension lifted")
        LOCK = "lock", _("Replies locked")
        UNLOCK = "unlock", _("Replies unlocked")
        CLOSE = "close", _("Comments closed")
        REOPEN = "reopen", _("Comments reopened")
        APPEAL = "appeal", _("Appealed by the author")
        APPEAL_GRANTED = "appeal_granted", _("Appeal granted")
        APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")
        EDIT = "edit", _("Text edited")

    # What counts as "an earlier action against" an author in the queue.
    AGAINST_AUTHOR = (Kind.HIDE, Kind.AUTO_HIDE, Kind.SPAM, Kind.DELETE, Kind.SUSPEND)

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted (the report threshold)."),
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    comment = models.ForeignKey(
        "comments.Comment",
        verbose_name=_("comment"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader concerned"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    target_name = models.CharField(_("reader concerned (name)"), max_length=150, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    status_before = models.CharField(_("status before"), max_length=10, blank=True)
    status_after = models.CharField(_("status after"), max_length=10, blank=True)
    # A moderator's edit of a comment's text keeps both versions, so the log tells what was there before.
    text_before = models.TextField(_("text before"), blank=True)
    text_after = models.TextField(_("text after"), blank=True)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["comment", "created_at"], name="modaction_comment"),
            models.Index(fields=["target_user", "kind"], name="modaction_target"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.actor_name or _('system')} · {self.created_at:%Y-%m-%d %H:%M}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly("The moderation log is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The moderation log is append-only: entries are never deleted.")

    @classmethod
    def record(
        cls,
        kind: str,
        *,
        actor=None,
        comment=None,
        article=None,
        target_user=None,
        reason: str = "",
        note: str = "",
        status_before: str = "",
        status_after: str = "",
        text_before: str = "",
        text_after: str = "",
    ) -> "ModerationAction":
        if comment is not None:
            article_id = comment.article_id
            target_user = target_user if target_user is not None else comment.author
            target_name = target_user.username if target_user is not None else comment.author_name
        else:
            article_id = article.pk if article is not None else None
            target_name = target_user.username if target_user is not None else ""
        return cls.objects.create(
            kind=kind,
            actor=actor,
            actor_name=actor.username if actor is not None else "",
            comment=comment,
            article_id=article_id,
            target_user=target_user,
            target_name=target_name,
            reason=reason,
            note=note,
            status_before=status_before,
            status_after=status_after,
            text_before=text_before,
            text_after=text_after,
        )


class ReportQuerySet(models.QuerySet):
    def open(self) -> "ReportQuerySet":
        return self.filter(status=Report.Status.OPEN)


class Report(models.Model):
    """A reader's report on a comment; one per reader and comment. Moderators decide it (upheld/dismissed)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    comment = models.ForeignKey(
        "comments.Comment",
        verbose_name=_("comment"),
        # A comment deleted for good keeps its decided reports: they are the reporters' record.
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=REPORT_REASONS)
    law = models.CharField(
        _("law broken"),
        max_length=200,
        blank=True,
        help_text=_("For illegal content: the law or article of law it breaks."),
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    weight = models.FloatField(_("weight"), help_text=_("The reporter's weight when the report was filed."))
    from_new_account = models.BooleanField(_("from a new account"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_comment"),
        ]
        indexes = [
            models.Index(fields=["status", "comment"], name="report_status_comment"),
            models.Index(fields=["reporter", "status"], name="report_reporter_record"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.comment_id}"

    def clean(self) -> None:
        if self.reason == Reason.ILLEGAL and not self.law.strip():
            raise ValidationError({"law": _("Name the law this comment breaks.")}, code="law_required")
        if self.reason != Reason.ILLEGAL:
            self.law = ""


class SuspensionQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> "SuspensionQuerySet":
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), lifted_at__isnull=True)


class Suspension(models.Model):
    """A reader may not post, edit, vote or report until `ends_at` (for good when empty) or until lifted."""

    class Duration(models.TextChoices):
        ONE_DAY = "1", _("1 day")
        ONE_WEEK = "7", _("7 days")
        ONE_MONTH = "30", _("30 days")
        FOREVER = "forever", _("For good")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="suspensions",
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: for good."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "lifted_at", "ends_at"], name="suspension_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.ends_at or _('for good')}"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)


class AppealQuerySet(models.QuerySet):
    def open(self) -> "AppealQuerySet":
        return self.filter(status=Appeal.Status.OPEN)


class Appeal(models.Model):
    """The author of a hidden comment asks, once, for it to be shown again."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting a decision")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Rejected")

    comment = models.OneToOneField(
        "comments.Comment", verbose_name=_("comment"), on_delete=models.CASCADE, related_name="appeal"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="appeals"
    )
    text = models.TextField(_("appeal"), max_length=APPEAL_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.comment_id}"


class DiscussionSettings(models.Model):
    """Per-article discussion settings kept by moderation (the articles app stays unaware of them)."""

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="discussion_settings",
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Comments close by themselves this many days after publication. Empty: the site's setting; "
            "0: never close by themselves."
        ),
    )

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")

    def __str__(self) -> str:
        return str(self.article)
