from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from forum.comments.models import TREE_ORDER, Comment
from forum.comments.rules import can_moderate

# What the admin shows a non-moderator in place of text they may not read (Comment.TEXT_READERS).
WITHHELD = _("[text withheld: only moderators read it]")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments listed as trees, to read: this admin changes and deletes nothing (a POST to a change page is
    refused), because every write goes through posting.py, where counts, caches and events stay true. The
    moderation app registers a subclass in its place (forum/moderation/admin.py) with its bulk actions and
    the one change the admin makes, a moderator's edit of the text, which it logs.

    A plain ModelAdmin in tree order rather than mptt's MPTTModelAdmin, whose list indents rows with
    inline style attributes that the Content-Security-Policy refuses; the excerpt's dashes show depth."""

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
        "edited_by_moderator",
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

    def has_change_permission(self, request, obj=None):
        return False  # the page is for reading; see the class's docstring

    def has_delete_permission(self, request, obj=None):
        # Deleting here would cascade to the replies and skip the count, the events and the log:
        # a comment goes through its author's delete or moderation's "delete for good".
        return False

    # Editors see the discussion here but do not moderate it: they read only the text that the site would
    # show them and cannot search withheld text.
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
        return (*self.readonly_fields, "body", "withheld_text")

    @admin.display(description=_("body"))
    def withheld_text(self, comment: Comment) -> str:
        return str(WITHHELD)

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        # Rows come in tree order; the dashes show each reply's depth.
        return "— " * comment.depth + (comment.body[:80] or "·")

    @admin.display(description=_("author"))
    def display_author(self, comment: Comment) -> str:
        return comment.display_author
