from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from forum.lib.markdown import render_comment

MAX_BODY_LENGTH = 10_000
# author_name of the comments of a deleted account (translated when shown).
DELETED_ACCOUNT_NAME = "[deleted account]"

# PostgreSQL advisory lock keys: (namespace, tree id) for one thread, a single key for tree id allocation.
THREAD_LOCK_NAMESPACE = 0x7472  # "tr"
NEW_THREAD_LOCK_KEY = 0x74726962756E65  # "tribune"


class CommentQuerySet(TreeQuerySet):
    def for_article(self, article) -> "CommentQuerySet":
        return self.filter(article=article)

    def public(self) -> "CommentQuerySet":
        """Comments whose text anyone may read."""
        return self.filter(status=Comment.Status.PUBLISHED)

    def shown(self) -> "CommentQuerySet":
        """Comments that a public discussion shows: readable ones, and placeholders that keep replies."""
        return self.filter(status__in=Comment.SHOWN_STATUSES)

    def visible_to(self, user, also: tuple[str, ...] = ()) -> "CommentQuerySet":
        """What a page may list for this reader: public comments, placeholders, and their own pending ones
        (and the statuses in `also`)."""
        if user.is_authenticated and user.has_perm("comments.moderate_comment"):
            return self.all()
        visible = Q(status__in=(*Comment.SHOWN_STATUSES, *also))
        if user.is_authenticated:
            visible |= Q(author=user, status=Comment.Status.PENDING)
        return self.filter(visible)

    def roots(self) -> "CommentQuerySet":
        return self.filter(level=0)


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    def lock_thread(self, tree_id: int) -> None:
        """Serialise writes to one thread's tree (a top-level comment and all its replies).

        django-mptt rewrites lft/rght of the whole tree on insert and delete; two writers in one tree
        corrupt it. On SQLite every write transaction is IMMEDIATE and already serialised.
        """
        assert transaction.get_connection().in_atomic_block, "lock_thread needs a transaction"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [THREAD_LOCK_NAMESPACE, tree_id])
        elif connection.vendor != "sqlite":
            list(self.filter(tree_id=tree_id, level=0).select_for_update().values_list("pk", flat=True))

    def lock_new_thread(self) -> None:
        """Serialise tree id allocation: django-mptt picks MAX(tree_id) + 1 for a new root."""
        assert transaction.get_connection().in_atomic_block, "lock_new_thread needs a transaction"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_THREAD_LOCK_KEY])
        elif connection.vendor != "sqlite":
            list(self.order_by("-tree_id").select_for_update().values_list("pk", flat=True)[:1])


class Comment(MPTTModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        PENDING = "pending", _("Awaiting moderation")
        HIDDEN = "hidden", _("Hidden by a moderator")
        SPAM = "spam", _("Spam")
        DELETED = "deleted", _("Deleted by its author")

    SHOWN_STATUSES = (Status.PUBLISHED, Status.HIDDEN, Status.DELETED)
    EDITABLE_STATUSES = (Status.PUBLISHED, Status.PENDING)

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = TreeForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    author_name = models.CharField(
        _("author name"), max_length=100, blank=True, help_text=_("For imported comments without an account.")
    )
    body = models.TextField(_("text"), max_length=MAX_BODY_LENGTH)
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    score = models.IntegerField(_("votes"), default=0)
    replies_locked = models.BooleanField(
        _("replies locked"), default=False, help_text=_("No new replies below this comment.")
    )
    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    spam_reasons = models.JSONField(_("spam reasons"), default=list, blank=True)
    import_source = models.CharField(_("imported from"), max_length=20, blank=True, default="")
    import_id = models.CharField(_("id in the source"), max_length=100, blank=True, default="")

    objects = CommentManager()

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can moderate comments"))]
        indexes = [
            models.Index(fields=["article", "level", "status"], name="comment_article_roots"),
            models.Index(fields=["author", "created_at"], name="comment_author_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=~Q(import_source=""),
                name="comment_unique_import",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_author}: {self.body[:60]}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_comment(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", kwargs={"slug": self.article.slug, "pk": self.pk})

    @property
    def display_author(self) -> str:
        if self.author_id:
            return self.author.public_name
        if self.author_name == DELETED_ACCOUNT_NAME:
            return _("[deleted account]")
        return self.author_name or _("Guest")

    @property
    def by_staff(self) -> bool:
        """Written by an editor or a moderator (staff status): the page shows a badge, so a look-alike name
        cannot pass for theirs. Reads the author loaded with the comment (select_related), no query."""
        return self.author_id is not None and self.author.is_staff

    @property
    def by_deleted_account(self) -> bool:
        return self.author_id is None and self.author_name == DELETED_ACCOUNT_NAME

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_visible_to(self, user, *, can_moderate: bool | None = None) -> bool:
        """The Python twin of CommentQuerySet.visible_to, for a comment already loaded."""
        if can_moderate is None:
            can_moderate = user.is_authenticated and user.has_perm("comments.moderate_comment")
        if can_moderate or self.status in self.SHOWN_STATUSES:
            return True
        return self.status == self.Status.PENDING and self.author_id == getattr(user, "pk", None)

    @property
    def is_placeholder(self) -> bool:
        return self.status in (self.Status.HIDDEN, self.Status.DELETED)


class Vote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="vote_once_per_comment")]

    def __str__(self) -> str:
        return f"{self.user} → {self.comment_id}"
