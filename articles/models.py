from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from forum.lib.markdown import render_article


class JSONRows(models.Aggregate):
    """The grouped rows as one JSON array: JSON_GROUP_ARRAY on SQLite, JSON_AGG on PostgreSQL. It lets the
    article query carry its bylines and tags, so a page of articles costs no query per article."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # As text, which JSONField decodes, as it does SQLite's (psycopg would decode json itself).
        return self.as_sql(
            compiler,
            connection,
            function="JSON_AGG",
            template="%(function)s(%(expressions)s)::text",
            **extra_context,
        )


def json_rows(queryset: models.QuerySet, link: str, **fields) -> Subquery:
    """A subquery giving, for each outer article, the JSON list of `fields` of its rows in `queryset`."""
    rows = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONRows(JSONObject(**fields)))
        .values("rows")
    )
    return Subquery(rows, output_field=models.JSONField())


@dataclass(frozen=True)
class BylineName:
    username: str
    name: str
    position: int

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"username": self.username})


@dataclass(frozen=True)
class TagName:
    name: str
    slug: str

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})


@dataclass(frozen=True, order=True)
class CorrectionNote:
    created_at: datetime
    text: str

    @classmethod
    def from_row(cls, row: dict) -> "CorrectionNote":
        created_at = row["created_at"]
        if isinstance(created_at, str):  # from the JSON of with_corrections()
            created_at = parse_datetime(created_at)
            if timezone.is_naive(created_at):  # SQLite stores UTC without an offset
                created_at = timezone.make_aware(created_at, UTC)
        return cls(created_at=created_at, text=row["text"])


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("The section's address."))
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("A sentence under the section's name.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Sections are shown on the front page in this order.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def newest_first(self) -> "ArticleQuerySet":
        return self.order_by("-published_at", "-pk")

    def for_listing(self) -> "ArticleQuerySet":
        """What a list of articles shows (section, bylines, tags) in the one query of the list."""
        return self.select_related("section").annotate(
            byline_rows=json_rows(
                Byline.objects.all(),
                "article",
                username="author__username",
                name="author__display_name",
                position="position",
            ),
            tag_rows=json_rows(
                TaggedArticle.objects.all(), "content_object", name="tag__name", slug="tag__slug"
            ),
        )

    def with_corrections(self) -> "ArticleQuerySet":
        return self.annotate(
            correction_rows=json_rows(
                Correction.objects.all(), "article", text="text", created_at="created_at"
            )
        )

    def lead_first(self) -> "ArticleQuerySet":
        """Newest first, with the articles that have a lead image before those that do not."""
        no_image = Q(lead_image="") | Q(lead_image__isnull=True)
        return self.annotate(
            without_image=models.ExpressionWrapper(no_image, models.BooleanField())
        ).order_by("without_image", "-published_at", "-pk")

    def latest_per_section(self, count: int) -> "ArticleQuerySet":
        """The `count` newest articles of every section, in one query (a window over the sections)."""
        ranked = self.annotate(
            section_rank=models.Window(
                RowNumber(),
                partition_by=[models.F("section_id")],
                order_by=[models.F("published_at").desc(), models.F("pk").desc()],
            )
        )
        return ranked.filter(section_rank__lte=count, section__isnull=False)

    def most_discussed(self, since: datetime) -> "ArticleQuerySet":
        """Articles commented on since `since`, by their stored comment count. The comments table is reached
        through the relation the comments app declares, by name: this module imports nothing of it."""
        comments = self.model._meta.get_field("comments").related_model
        commented = Exists(comments.objects.filter(article=OuterRef("pk"), created_at__gte=since))
        return self.filter(commented, comment_count__gt=0).order_by("-comment_count", "-published_at")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Submitted for review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The last part of the article's address.")
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        # Null only for articles older than sections; every form asks for one.
        null=True,
        related_name="articles",
    )
    standfirst = models.CharField(
        _("standfirst"),
        max_length=400,
        blank=True,
        help_text=_("One or two sentences under the title; also the page's description in search results."),
    )
    body = models.TextField(
        _("body"), help_text=_("Markdown: paragraphs, **bold**, *italic*, [links](https://…).")
    )
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("The account that created the article; the byline names its authors."),
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authors"),
        through="Byline",
        related_name="bylined_articles",
        blank=True,
    )
    tags = TaggableManager(
        verbose_name=_("tags"),
        through="TaggedArticle",
        blank=True,
        help_text=_("Comma-separated, e.g. Belarus, Ukraine."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Leave empty to publish the moment you publish. A time in the future schedules the article: it "
            "appears by itself at that time."
        ),
    )
    body_updated_at = models.DateTimeField(
        _("body updated"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the body last changed after publication; readers see “Updated”."),
    )
    comments_open = models.BooleanField(
        _("comments open"), default=True, help_text=_("Untick to close the discussion of this article.")
    )
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    lead_image = models.ImageField(
        _("lead image"),
        upload_to="articles/%Y/%m/",
        width_field="lead_image_width",
        height_field="lead_image_height",
        blank=True,
        help_text=_("JPEG, PNG or WebP, at most 10 MB; shown at the top and when the article is shared."),
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    lead_image_alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it. Required with an image."),
    )
    lead_image_caption = models.CharField(_("caption"), max_length=300, blank=True)
    lead_image_credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("A caption or a credit is required with an image."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"], name="article_status_published")]
        permissions = [("publish_article", _("Can publish, schedule and unpublish articles"))]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_article(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    is_published.boolean = True
    is_published.short_description = _("live")

    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def publish(self, now: datetime | None = None) -> None:
        """Publish an article that is not published yet: now, unless a time in the future was chosen (then it
        is scheduled for that time). A time in the past, such as when a form was opened, is not kept.
        Stamps the fields; the caller saves."""
        now = now or timezone.now()
        if self.published_at is None or self.published_at <= now:
            self.published_at = now
        self.status = self.Status.PUBLISHED

    def clean(self) -> None:
        errors = {}
        if self.lead_image:
            if not self.lead_image_alt.strip():
                errors["lead_image_alt"] = _("Describe the image for readers who cannot see it.")
            if not (self.lead_image_caption.strip() or self.lead_image_credit.strip()):
                errors["lead_image_credit"] = _("Give the image a caption or a credit.")
        if errors:
            raise ValidationError(errors)

    def unpublish(self) -> None:
        self.status = self.Status.DRAFT

    def note_body_change(self, previous_body: str, now: datetime | None = None) -> None:
        """A body changed after publication shows "Updated" to readers."""
        if self.body != previous_body and self.is_published():
            self.body_updated_at = now or timezone.now()

    @property
    def bylines(self) -> list[BylineName]:
        if hasattr(self, "byline_rows"):  # for_listing() brought them
            rows = self.byline_rows or []
        else:
            rows = [
                {"username": b.author.username, "name": b.author.display_name, "position": b.position}
                for b in self.byline_set.select_related("author")
            ]
        return sorted(
            (BylineName(r["username"], r["name"] or r["username"], r["position"]) for r in rows),
            key=lambda b: (b.position, b.name),
        )

    @property
    def tag_names(self) -> list[TagName]:
        # for_listing() brought them, or they are read now
        rows = (self.tag_rows or []) if hasattr(self, "tag_rows") else self.tags.values("name", "slug")
        return sorted((TagName(r["name"], r["slug"]) for r in rows), key=lambda t: t.name.lower())

    @property
    def correction_notes(self) -> list[CorrectionNote]:
        if hasattr(self, "correction_rows"):  # with_corrections() brought them
            rows = self.correction_rows or []
        else:
            rows = self.corrections.values("text", "created_at")
        return sorted(CorrectionNote.from_row(row) for row in rows)

    @property
    def byline_text(self) -> str:
        names = [byline.name for byline in self.bylines]
        if len(names) <= 1:
            return "".join(names)
        return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}

    def has_lead_image(self) -> bool:
        return bool(self.lead_image and self.lead_image_renditions)

    def lead_image_src(self, widest: int = 1200) -> str:
        """The rendition that `src` names: the widest up to `widest` pixels."""
        widths = sorted(int(width) for width in self.lead_image_renditions)
        fitting = [width for width in widths if width <= widest] or widths[:1]
        return f"{settings.MEDIA_URL}{self.lead_image_renditions[str(fitting[-1])]}" if fitting else ""

    def share_image_url(self, request) -> str:
        return request.build_absolute_uri(self.lead_image_src()) if self.has_lead_image() else ""

    def lead_image_srcset(self) -> str:
        return ", ".join(
            f"{settings.MEDIA_URL}{name} {width}w"
            for width, name in sorted(self.lead_image_renditions.items(), key=lambda item: int(item[0]))
        )


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, verbose_name=_("article"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        verbose_name=_("author"),
        limit_choices_to={"is_staff": True},
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="byline_once_per_author")]

    def __str__(self) -> str:
        return str(self.author)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(Article, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")


class Correction(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("article")
    )
    text = models.TextField(
        _("correction"), help_text=_("What was wrong and what is right, in a sentence or two.")
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return self.text[:60]


class Revision(models.Model):
    """The text of a published article before an edit changed it: the article's history."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(_("title"), max_length=200)
    standfirst = models.CharField(_("standfirst"), max_length=400, blank=True)
    body = models.TextField(_("body"))
    saved_at = models.DateTimeField(_("replaced at"), default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("edited by"),
    )

    class Meta:
        ordering = ["-saved_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.title} ({self.saved_at:%Y-%m-%d %H:%M})"


MOST_DISCUSSED_WINDOW = timedelta(hours=24)
