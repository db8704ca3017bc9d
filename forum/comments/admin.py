from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from mptt.admin import MPTTModelAdmin

from forum.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    """Comments listed as trees. Writes that change visibility go through posting.set_status (the
    moderation app adds its actions here), so counts and the audit log stay true."""

    list_display = ("excerpt", "display_author", "article", "status", "created_at", "score")
    list_filter = ("status", ("article", admin.RelatedOnlyFieldListFilter), "created_at")
    list_select_related = ("article", "author")
    search_fields = ("body", "author__username", "author__display_name", "author_name", "article__title")
    readonly_fields = (
        "article",
        "parent",
        "author",
        "author_name",
        "body_html",
        "status",
        "created_at",
        "edited_at",
        "score",
        "spam_score",
        "spam_reasons",
        "import_source",
        "import_id",
    )
    fields = (*readonly_fields[:4], "body", *readonly_fields[4:])
    list_per_page = 100
    actions = []

    def has_add_permission(self, request):
        return False  # comments are written by readers on the site

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        # Rows come in tree order; the dashes show each reply's depth.
        return "— " * comment.depth + (comment.body[:80] or "·")

    @admin.display(description=_("author"))
    def display_author(self, comment: Comment) -> str:
        return comment.display_author
