from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from forum.comments import posting
from forum.comments.models import TREE_ORDER, Comment
from forum.comments.rules import can_moderate

# What the admin shows a non-moderator in place of text they may not read (Comment.TEXT_READERS).
WITHHELD = _("[text withheld: only moderators read it]")


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]

    def clean_body(self) -> str:
        # The same cleaning as on the site (line endings, surrounding space), so that posting.revise_comment
        # gets a body it accepts and a bad one is a form error, not a 500.
        return posting.clean_body(self.cleaned_data.get("body", ""))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments listed as trees. Writes go through posting.py: visibility through posting.set_status (the
    moderation app registers a subclass with its bulk actions, forum/moderation/admin.py), a changed body
    through posting.revise_comment (so the spam check sees it), so counts, caches, events and the audit log
    stay true.

    A plain ModelAdmin in tree order rather than mptt's MPTTModelAdmin, whose list indents rows with
    inline style attributes that the Content-Security-Policy refuses; the excerpt's dashes show depth."""

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
    ordering = TREE_ORDER
    actions = []

    def has_add_permission(self, request):
        return False  # comments are written by readers on the site

    # Editors see the discussion here but do not moderate it: they read only the text that the site would
    # show them, cannot search withheld text, and never edit a body.
    def get_list_display(self, request):
        if can_moderate(request.user):
            return self.list_display

        @admin.display(description=_("comment"))
        def excerpt(comment: Comment) -> str:
            if not comment.is_readable_by(request.user, can_moderate=False):
                return "— " * comment.depth + str(WITHHELD)
            return self.excerpt(comment)

        return (excerpt, *self.list_display[1:])

    def get_list_display_links(self, request, list_display):
        return (list_display[0],)

    def get_search_fields(self, request):
        if can_moderate(request.user):
            return self.search_fields
        return tuple(field for field in self.search_fields if field != "body")

    def get_fields(self, request, obj=None):
        if can_moderate(request.user) or obj is None or obj.is_readable_by(request.user, can_moderate=False):
            return self.fields
        return tuple("withheld_text" if f == "body" else f for f in self.fields if f != "body_html")

    def get_readonly_fields(self, request, obj=None):
        if can_moderate(request.user):
            return self.readonly_fields
        return (*self.readonly_fields, "body", "withheld_text")

    @admin.display(description=_("body"))
    def withheld_text(self, comment: Comment) -> str:
        return str(WITHHELD)

    def save_model(self, request, obj: Comment, form, change: bool) -> None:
        # The body is the one field the admin may change; nothing else is saved from here.
        if "body" in form.changed_data:
            stored = Comment.objects.get(pk=obj.pk)
            posting.revise_comment(comment=stored, actor=request.user, body=obj.body)

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        # Rows come in tree order; the dashes show each reply's depth.
        return "— " * comment.depth + (comment.body[:80] or "·")

    @admin.display(description=_("author"))
    def display_author(self, comment: Comment) -> str:
        return comment.display_author
