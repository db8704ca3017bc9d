from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "is_published", "published_at", "author", "comment_count")
    list_filter = ("status", "comments_open", ("published_at", admin.DateFieldListFilter), "author")
    list_select_related = ("author",)
    search_fields = ("title", "standfirst", "body", "slug")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    readonly_fields = ("author", "comment_count", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "standfirst", "body")}),
        (_("Publishing"), {"fields": ("status", "published_at", "comments_open")}),
        (_("Record"), {"fields": ("author", "comment_count", "created_at", "updated_at")}),
    )
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        updated = queryset.update(status=Article.Status.PUBLISHED)
        self.message_user(request, _("%(count)d articles published.") % {"count": updated})

    @admin.action(description=_("Return the selected articles to draft"), permissions=["change"])
    def unpublish(self, request, queryset):
        updated = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, _("%(count)d articles returned to draft.") % {"count": updated})
