"""Spam checks: the outbox rows of the checks and of the filter's training, the word lists editors keep in the
admin, and the learning filter's token statistics. Verdicts live on the comment (spam_score, spam_reasons)."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.lib.outbox import OutboxItem


class SpamCheck(OutboxItem):
    """Check one version of a comment: when it is posted, and again after each edit."""

    task_name = "forum.spam.tasks.check_comment"

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="spam_checks")
    key = models.CharField(
        max_length=80, unique=True, help_text=_("The comment and the version checked: one check per version.")
    )
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "What the form reported: a hash of the IP address, the browser family, honeypot, timing."
        ),
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, blank=True, default="")

    class Meta(OutboxItem.Meta):
        verbose_name = _("spam check")
        verbose_name_plural = _("spam checks")

    def __str__(self) -> str:
        return self.key


class Training(OutboxItem):
    """What moderators decided about a comment, for the learning filter. `label` is the latest decision,
    `trained_label` what the token statistics contain now; the task moves them from one to the other once.
    `decided_at` dates the decision: it covers the text as it was then, so an edit after it is checked and
    acted on again."""

    task_name = "forum.spam.tasks.train_filter"

    class Label(models.TextChoices):
        SPAM = "spam", _("spam")
        HAM = "ham", _("not spam")

    comment = models.OneToOneField("comments.Comment", on_delete=models.CASCADE, related_name="spam_training")
    label = models.CharField(_("decision"), max_length=4, choices=Label.choices)
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    trained_label = models.CharField(_("trained as"), max_length=4, choices=Label.choices, blank=True)
    tokens = models.JSONField(
        default=list, blank=True, help_text=_("The tokens counted, to undo them exactly.")
    )

    class Meta(OutboxItem.Meta):
        verbose_name = _("filter training")
        verbose_name_plural = _("filter training")

    def __str__(self) -> str:
        return f"#{self.comment_id}: {self.label}"

    def covers(self, comment) -> bool:
        """Whether the decision was about the comment's current text (taken at or after its last edit)."""
        return comment.edited_at is None or self.decided_at >= comment.edited_at


class BlockedTerm(models.Model):
    class Kind(models.TextChoices):
        WORD = "word", _("word or phrase")
        DOMAIN = "domain", _("link domain")

    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_(
            "A word or phrase (matched as whole words, ignoring case), or a domain such as pills.example "
            "(which also blocks its subdomains)."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked word or domain")
        verbose_name_plural = _("blocked words and domains")
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="blocked_term_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.value = self.value.strip().lower()
        if self.kind == self.Kind.DOMAIN:
            self.value = self.value.removeprefix("www.").strip(".")
        super().save(*args, **kwargs)


class TokenStat(models.Model):
    """How many spam and how many legitimate comments contained a token."""

    token = models.CharField(max_length=64, unique=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("token statistic")
        verbose_name_plural = _("token statistics")

    def __str__(self) -> str:
        return f"{self.token}: {self.spam} spam, {self.ham} ham"


class Corpus(models.Model):
    """The number of comments the filter learnt from (one row)."""

    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("filter corpus")
        verbose_name_plural = _("filter corpus")

    def __str__(self) -> str:
        return f"{self.spam} spam, {self.ham} ham"

    @classmethod
    def current(cls) -> "Corpus":
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def add(cls, label: str, delta: int) -> None:
        cls.objects.get_or_create(pk=1)
        cls.objects.filter(pk=1).update(**{label: F(label) + delta})
