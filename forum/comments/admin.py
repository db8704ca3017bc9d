from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from mptt.admin import MPTTModelAdmin

from forum.comments import posting
from forum.comments.models import Comment


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]

    def clean_body(self) -> str:
        # The same cleaning as on the site (line endings, surrounding space), so that posting.revise_comment
        # gets a body it accepts and a bad one is a form error, not a 500.
        return posting.clean_body(self.cleaned_data.get("body", ""))


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    """Comments listed as trees. Writes go through posting.py: visibility through posting.set_status (the
    moderation app adds its actions here), a changed body through posting.revise_comment (so the spam check
    sees it), so counts, caches, events and the audit log stay true."""

    form = CommentAdminForm

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

    def save_model(self, request, obj: Comment, form, change: bool) -> None:
        # The body is the one field the admin may change; nothing else is saved from here.
        if "body" in form.changed_data:
            stored = Comment.objects.get(pk=obj.pk)
            posting.revise_comment(comment=stored, actor=request.user, body=obj.body)

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        # Rows come in tree order; the dashes show each reply's depth.
        return "— " * comment.level + (comment.body[:80] or "·")

    @admin.display(description=_("author"))
    def display_author(self, comment: Comment) -> str:
        return comment.display_author
