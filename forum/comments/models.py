from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
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

# Thread by thread, each depth first (a comment before its replies): django-mptt's fields, named once.
TREE_ORDER = ("tree_id", "lft")

# Who may read a comment's text (Comment.TEXT_READERS).
EVERYONE, AUTHOR, MODERATORS, NOBODY = "everyone", "author", "moderators", "nobody"


class CommentQuerySet(TreeQuerySet):
    def for_article(self, article) -> "CommentQuerySet":
        return self.filter(article=article)

    def public(self) -> "CommentQuerySet":
        """Comments whose text anyone may read."""
        return self.filter(status=Comment.Status.PUBLISHED)

    def visible_to(self, user, also: tuple[str, ...] = ()) -> "CommentQuerySet":
        """What a page may list for this reader (Comment.is_visible_to in SQL): the comments whose text they
        may read, hidden and deleted ones as placeholders, and the statuses in `also`."""
        visible = _visibility(user, also)
        return self.all() if visible is None else self.filter(visible)

    def listed_to(self, user) -> "CommentQuerySet":
        """What a page may list below a comment for this reader: what visible_to lets through, and any
        comment with replies, which may keep visible ones below it (build_nodes makes it a placeholder)."""
        visible = _visibility(user)
        return self.all() if visible is None else self.filter(visible | Q(rght__gt=F("lft") + 1))

    # Our names over django-mptt: nothing outside this module reads tree_id, level, lft or rght.
    def roots(self) -> "CommentQuerySet":
        """Top-level comments: each roots its own thread."""
        return self.filter(level=0)

    def roots_of(self, thread_ids) -> "CommentQuerySet":
        """The top-level comments of these threads, by the tree index alone: a root is the first row of its
        tree (lft 1), so no other comment of a thread is read, however big it is."""
        return self.filter(tree_id__in=thread_ids, lft=1)

    def in_thread(self, thread_id: int) -> "CommentQuerySet":
        return self.filter(tree_id=thread_id)

    def in_threads(self, thread_ids) -> "CommentQuerySet":
        return self.filter(tree_id__in=thread_ids)

    def at_depth(self, depth: int) -> "CommentQuerySet":
        return self.filter(level=depth)

    def roots_and_from_depth(self, depth: int) -> "CommentQuerySet":
        """Top-level comments, and those at `depth` or deeper."""
        return self.filter(Q(level=0) | Q(level__gte=depth))

    def thread_ids(self) -> set[int]:
        return set(self.order_by().values_list("tree_id", flat=True).distinct())

    def thread_sizes(self) -> list[tuple[int, int]]:
        """(thread id, number of comments) of each root, in the queryset's order: a root's rght is 2n."""
        return [(tree_id, rght // 2) for tree_id, rght in self.values_list("tree_id", "rght")]

    def with_visible_reply_count(self, user, *, at_depth: int) -> "CommentQuerySet":
        """Annotate `visible_reply_count` on the comments at `at_depth` (None elsewhere): how many comments
        below each one, at any depth, this reader may list (visible_to), in the same query.

        The nested sets give every comment below (a subtree of n comments spans 2n numbers), so the query
        counts only those withheld from this reader, by the index that holds the comments of
        RESTRICTED_STATUSES alone: a comment with a hundred thousand replies below costs no more than one with
        ten."""
        below = (F("rght") - F("lft") - 1) / 2
        visible = _visibility(user)
        if visible is not None:
            withheld = (
                Comment.objects.filter(
                    RESTRICTED_ONLY,
                    tree_id=OuterRef("tree_id"),
                    lft__gt=OuterRef("lft"),
                    lft__lt=OuterRef("rght"),
                )
                .exclude(visible)
                .order_by()
                .values("tree_id")
                .annotate(n=Count("pk"))
                .values("n")
            )
            below = below - Coalesce(Subquery(withheld), 0)
        count = Case(When(level=at_depth, then=below), default=None, output_field=models.IntegerField())
        return self.annotate(visible_reply_count=count)

    def in_tree_order(self, *first: str) -> "CommentQuerySet":
        """Thread by thread, each in depth-first order (a comment before its replies); after `first`."""
        return self.order_by(*first, *TREE_ORDER)


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

    # Listed to every reader: published comments, and hidden or deleted ones as a placeholder notice.
    SHOWN_STATUSES = (Status.PUBLISHED, Status.HIDDEN, Status.DELETED)
    # Who may read a comment's text, by its status: the one visibility rule, from which visible_to,
    # is_visible_to and the placeholders of nodes.py derive. Moderators read whatever an author may.
    TEXT_READERS = {
        Status.PUBLISHED: EVERYONE,
        Status.PENDING: AUTHOR,
        Status.HIDDEN: AUTHOR,
        Status.SPAM: MODERATORS,
        Status.DELETED: NOBODY,  # withdrawn by its author (posting.delete_comment also empties the text)
    }
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
        db_index=False,  # comment_replies_in_order starts with it
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
    edited_by_moderator = models.BooleanField(
        _("edited by a moderator"),
        default=False,
        help_text=_("The text shown is a moderator's change; the author's own later edit clears it."),
    )
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
            # A page's threads and each comment's first replies, read in the page's sort ("newest" backwards)
            # without sorting every root of the article or every reply of the comment (sorting.SORTS).
            models.Index(
                fields=["article", "created_at", "id"], condition=Q(level=0), name="comment_roots_in_order"
            ),
            models.Index(
                fields=["article", "-score", "created_at", "id"],
                condition=Q(level=0),
                name="comment_roots_by_score",
            ),
            models.Index(fields=["parent", "created_at", "id"], name="comment_replies_in_order"),
            # The comments withheld from some readers (RESTRICTED_STATUSES), few in a thread, by their place,
            # with what tells whom they are withheld from (and fields other than django-mptt's own index).
            models.Index(
                fields=["tree_id", "lft", "status", "author"],
                condition=Q(status__in=["pending", "spam"]),
                name="comment_restricted",
            ),
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
        # No text: the admin prints this in titles, breadcrumbs and other models' lists, where an editor who
        # does not moderate must not read withheld text.
        return _("Comment #%(pk)s by %(author)s") % {"pk": self.pk, "author": self.display_author}

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_comment(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    # Our names over django-mptt (see CommentQuerySet): the rest of the code asks these.
    @property
    def thread_id(self) -> int:
        """The key of the comment's thread: what its lock and `in_thread` take (django-mptt's tree id)."""
        return self.tree_id

    @property
    def depth(self) -> int:
        """0 for a top-level comment, 1 for a reply to it, and so on."""
        return self.level

    @property
    def is_thread_root(self) -> bool:
        return self.level == 0

    @cached_property
    def thread_root_id(self) -> int:
        """The id of the thread's top-level comment (the DOM names a thread by it): a query for a reply."""
        if self.is_thread_root:
            return self.pk
        return Comment.objects.roots_of([self.tree_id]).values_list("pk", flat=True).get()

    def thread_root(self) -> "Comment":
        if self.is_thread_root:
            return self
        return Comment.objects.roots_of([self.tree_id]).get()

    def ancestors(self) -> CommentQuerySet:
        """From the top-level comment down to the parent."""
        return self.get_ancestors()

    def replies(self, *, include_self: bool = False) -> CommentQuerySet:
        """Every comment below this one, at any depth, in tree order."""
        return self.get_descendants(include_self=include_self)

    @property
    def has_replies(self) -> bool:
        """Whether any comment hangs below this one, whatever its status (no query)."""
        return not self.is_leaf_node()

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

    def is_written_by(self, user) -> bool:
        """Whether this is the reader's own comment: a logged-in account wrote it. A comment without an
        author (imported, or its account deleted) is nobody's."""
        return (
            self.author_id is not None
            and user is not None
            and user.is_authenticated
            and self.author_id == user.pk
        )

    def is_readable_by(self, user, *, can_moderate: bool | None = None) -> bool:
        """Whether this reader may read the text (TEXT_READERS); `can_moderate` spares a permission check
        per comment when the caller already knows it."""
        if can_moderate is None:
            can_moderate = _can_moderate(user)
        return self.status in readable_statuses(own=self.is_written_by(user), moderator=can_moderate)

    def is_visible_to(self, user, *, can_moderate: bool | None = None) -> bool:
        """The Python twin of CommentQuerySet.visible_to: whether a page may list this comment for this
        reader, with its text or as a placeholder."""
        return self.status in self.SHOWN_STATUSES or self.is_readable_by(user, can_moderate=can_moderate)

    def placeholder_for(self, user, *, can_moderate: bool | None = None) -> str:
        """What a page shows instead of the text: "" (the text), "deleted" or "hidden"."""
        if self.is_readable_by(user, can_moderate=can_moderate):
            return ""
        return "deleted" if self.status == self.Status.DELETED else "hidden"


def _visibility(user, also: tuple[str, ...] = ()) -> Q | None:
    """The condition of CommentQuerySet.visible_to; None when this reader may see every comment."""
    moderator = _can_moderate(user)
    anyones = {*readable_statuses(own=False, moderator=moderator), *Comment.SHOWN_STATUSES, *also}
    if anyones.issuperset(Comment.Status.values):
        return None
    visible = Q(status__in=sorted(anyones))
    own = readable_statuses(own=True, moderator=moderator) - anyones
    if own and user is not None and user.is_authenticated:
        visible |= Q(author=user, status__in=sorted(own))
    return visible


def _readable(readers: set[str]) -> frozenset[str]:
    return frozenset(status for status, who in Comment.TEXT_READERS.items() if who in readers)


_READABLE_STATUSES = {
    (False, False): _readable({EVERYONE}),
    (True, False): _readable({EVERYONE, AUTHOR}),
    (False, True): _readable({EVERYONE, AUTHOR, MODERATORS}),
    (True, True): _readable({EVERYONE, AUTHOR, MODERATORS}),
}


def readable_statuses(*, own: bool, moderator: bool) -> frozenset[str]:
    """The statuses whose text a reader may read, in their own comments or in anyone's."""
    return _READABLE_STATUSES[own, moderator]


# What no reader but the author or a moderator may list (visible_to), and the index comment_restricted holds.
RESTRICTED_STATUSES = sorted(
    set(Comment.Status.values) - set(Comment.SHOWN_STATUSES) - readable_statuses(own=False, moderator=False)
)
# That test with the statuses written into the SQL: SQLite uses a partial index only for a query whose WHERE
# repeats the index's condition, and it does not look into bound parameters.
_RESTRICTED_LIST = ", ".join(f"'{status}'" for status in RESTRICTED_STATUSES)
RESTRICTED_ONLY = RawSQL(f"status IN ({_RESTRICTED_LIST})", (), output_field=models.BooleanField())


def _can_moderate(user) -> bool:
    from forum.comments.rules import can_moderate  # rules.py builds on this module

    return can_moderate(user)


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


def refresh_planner_statistics() -> None:
    """After a bulk write (an import), let the database's planner see the new rows now. Until autovacuum's
    next ANALYZE, PostgreSQL plans the page's recursive query as if the table were empty: the first page of
    100,000 freshly written comments took 32 s instead of 65 ms (docs/architecture.md, "The page budget")."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Comment._meta.db_table)}")
