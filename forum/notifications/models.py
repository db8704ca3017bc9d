"""Who follows what, what each reader was told, and the outbox rows that deliver it.

`Notification` is the inbox: one row per recipient, kind and comment (and, for the kinds about a new
public comment, one per recipient and comment whatever the kind). E-mail goes out through outbox rows:
`EmailDelivery` (one per notification sent immediately), `EmailSummary` (what came in for a reader in one
stream while their e-mails there were held back) and `Digest` (one per reader and day);
`NotificationJob` is the row that works out who to notify about a comment event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.lib.outbox import OutboxItem
from forum.moderation.models import Appeal


class Kind(models.TextChoices):
    REPLY = "reply", _("Replies to my comments")
    MENTION = "mention", _("Mentions of my username")
    THREAD = "thread", _("New comments in threads I follow")
    ARTICLE = "article", _("New comments on articles I follow")
    HIDDEN = "hidden", _("My comment was hidden")
    APPEAL = "appeal", _("Decisions on my appeals")
    REPORT = "report", _("New reports (moderators)")
    HELD = "held", _("Comments held for review (moderators)")


# About a new public comment: a reader gets one of these per comment, the first that applies in this order.
PUBLIC_KINDS = (Kind.MENTION, Kind.REPLY, Kind.THREAD, Kind.ARTICLE)
MODERATOR_KINDS = (Kind.REPORT, Kind.HELD)
# About the reader's own comment, whatever its status now.
AUTHOR_KINDS = (Kind.HIDDEN, Kind.APPEAL)


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("Never (inbox only)")


DEFAULT_EMAIL = {
    Kind.REPLY: EmailMode.IMMEDIATE,
    Kind.MENTION: EmailMode.IMMEDIATE,
    Kind.THREAD: EmailMode.DIGEST,
    Kind.ARTICLE: EmailMode.DIGEST,
    Kind.HIDDEN: EmailMode.IMMEDIATE,
    Kind.APPEAL: EmailMode.IMMEDIATE,
    Kind.REPORT: EmailMode.IMMEDIATE,
    Kind.HELD: EmailMode.IMMEDIATE,
}


class PreferenceQuerySet(models.QuerySet):
    def modes_for(self, user) -> dict[str, str]:
        """Every kind's e-mail mode for this reader, defaults filled in."""
        modes = {kind.value: mode.value for kind, mode in DEFAULT_EMAIL.items()}
        modes.update(dict(self.filter(user=user).values_list("kind", "email")))
        return modes

    def set_mode(self, user, kind: str, email: str) -> None:
        self.update_or_create(user=user, kind=kind, defaults={"email": email})


class Preference(models.Model):
    """A reader's choice of e-mail for one kind; the inbox always gets everything."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.email}"


class SubscriptionQuerySet(models.QuerySet):
    def active(self) -> "SubscriptionQuerySet":
        return self.filter(active=True)


class Subscription(models.Model):
    """A reader following an article or a thread (a top-level comment and its replies).

    An article's author follows it without a row; an inactive row records that someone unfollowed, which is
    how an author stops following their own article.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    thread = models.ForeignKey(
        "comments.Comment",
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text=_("The top-level comment of the thread."),
    )
    active = models.BooleanField(_("following"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, thread__isnull=True)
                | Q(article__isnull=True, thread__isnull=False),
                name="subscription_article_or_thread",
            ),
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="subscription_once_article",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"], condition=Q(thread__isnull=False), name="subscription_once_thread"
            ),
        ]

    def __str__(self) -> str:
        target = self.article if self.article_id else self.thread
        return f"{self.user} → {target}"


class NotificationQuerySet(models.QuerySet):
    def for_inbox(self, user) -> "NotificationQuerySet":
        """What the reader's inbox lists: notifications about comments that can still be read (one
        pulled as spam after the fact disappears from the inbox), and the moderators' and authors' kinds."""
        return self.filter(recipient=user).filter(
            Q(comment__status="published") | Q(kind__in=(*MODERATOR_KINDS, *AUTHOR_KINDS))
        )

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def unread_first(self) -> "NotificationQuerySet":
        return self.order_by(models.F("read_at").asc(nulls_first=True), "-created_at", "-pk")

    def mark_read(self) -> int:
        return self.filter(read_at__isnull=True).update(read_at=timezone.now())


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did it: the comment's author, or the moderator who hid it or decided the appeal."),
    )
    reason = models.TextField(_("reason"), blank=True, default="")
    email = models.CharField(
        _("e-mail"),
        max_length=10,
        choices=EmailMode.choices,
        default=EmailMode.OFF,
        help_text=_("How it was to be e-mailed, by the reader's preference when it was created."),
    )
    digest = models.ForeignKey(
        "Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    email_summary = models.ForeignKey(
        "EmailSummary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("The summary e-mail it waits for, when its stream had an e-mail a moment ago."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(fields=["email", "digest", "created_at"], name="notification_digest_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "comment"], name="notification_once"),
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(kind__in=PUBLIC_KINDS),
                name="notification_once_per_public_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.kind} #{self.comment_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def summary(self) -> str:
        """One sentence saying what happened, for the inbox and the e-mails (plain text)."""
        if self.kind == Kind.APPEAL:
            return self.appeal_summary()
        comment = self.comment
        who = self.actor.public_name if self.actor_id else comment.display_author
        values = {"who": who, "author": comment.display_author, "title": comment.article.title}
        sentences = {
            Kind.REPLY: _("%(who)s replied to your comment on “%(title)s”"),
            Kind.MENTION: _("%(who)s mentioned you in a comment on “%(title)s”"),
            Kind.THREAD: _("%(who)s commented in a thread you follow on “%(title)s”"),
            Kind.ARTICLE: _("%(who)s commented on “%(title)s”"),
            Kind.HIDDEN: _("Your comment on “%(title)s” was hidden"),
            Kind.REPORT: _("A comment by %(author)s on “%(title)s” was reported"),
            Kind.HELD: _("A comment by %(author)s on “%(title)s” is waiting for review"),
        }
        return sentences[self.kind] % values

    def appeal_summary(self) -> str:
        """How the author's appeal was decided (select_related("comment__appeal") saves a query)."""
        title = self.comment.article.title
        appeal = getattr(self.comment, "appeal", None)
        status = appeal.status if appeal is not None else ""
        if status == Appeal.Status.GRANTED:
            return _("Your appeal was granted: your comment on “%(title)s” is shown again") % {"title": title}
        if status == Appeal.Status.REJECTED:
            return _("Your appeal was rejected: your comment on “%(title)s” stays hidden") % {"title": title}
        return _("Your appeal about your comment on “%(title)s” was decided") % {"title": title}


class NotificationJob(OutboxItem):
    """Work out who to notify about one comment event (fan-out), then create their notifications."""

    task_name = "forum.notifications.tasks.fan_out"

    class Event(models.TextChoices):
        PUBLISHED = "published", _("comment published")
        HELD = "held", _("comment held for review")
        HIDDEN = "hidden", _("comment hidden")
        REPORTED = "reported", _("comment reported")
        APPEAL_DECIDED = "appeal", _("appeal decided")

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="notification_jobs"
    )
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, default="")
    notified = models.PositiveIntegerField(_("notifications created"), default=0)

    class Meta(OutboxItem.Meta):
        verbose_name = _("notification job")
        verbose_name_plural = _("notification jobs")
        constraints = [models.UniqueConstraint(fields=["comment", "event"], name="notification_job_once")]

    def __str__(self) -> str:
        return f"{self.event} #{self.comment_id}"


class EmailDelivery(OutboxItem):
    """One notification e-mailed on its own."""

    task_name = "forum.notifications.tasks.deliver_email"

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="delivery")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta(OutboxItem.Meta):
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")

    def __str__(self) -> str:
        return f"e-mail for notification {self.notification_id}"


class Digest(OutboxItem):
    """One reader's daily e-mail of the notifications they chose to receive as a digest."""

    task_name = "forum.notifications.tasks.deliver_digest"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta(OutboxItem.Meta):
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"digest {self.day} for {self.recipient}"


class EmailSummary(OutboxItem):
    """A window after an e-mail to one reader in one stream (the moderators' queue, or one thread).

    Opened when an e-mail goes out in the stream; until it is due (`available_at`), the stream's immediate
    notifications for that reader wait here instead of being e-mailed one by one. When due, the sweep enqueues
    it: it sends one e-mail counting what came in (and opens the next window), or nothing if nothing did.
    """

    task_name = "forum.notifications.tasks.deliver_summary"
    # Nothing enqueues a summary when it is opened (a countdown of minutes outlives Redis's visibility
    # timeout): the sweep does, as soon as its window is over.
    sweep_after = 0.0

    class Stream(models.TextChoices):
        MODERATION = "moderation", _("Moderation")
        THREAD = "thread", _("Thread")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(_("stream"), max_length=10, choices=Stream.choices)
    thread = models.ForeignKey(
        "comments.Comment",
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The top-level comment of the thread."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta(OutboxItem.Meta):
        verbose_name = _("e-mail summary")
        verbose_name_plural = _("e-mail summaries")
        indexes = [
            *OutboxItem.Meta.indexes,
            models.Index(fields=["recipient", "stream", "thread", "state"], name="emailsummary_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stream="moderation", thread__isnull=True)
                | Q(stream="thread", thread__isnull=False),
                name="emailsummary_thread_iff_thread_stream",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stream} summary for {self.recipient}"
