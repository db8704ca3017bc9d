from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.admin import TagAdmin
from taggit.models import Tag

from articles import desk, images
from articles.models import Article, Byline, Correction, Revision, Section


class SiteTagAdmin(TagAdmin):
    """taggit's "merge tags" page asks for no permission, so any staff account (an editor, a moderator)
    could create tags and re-point tagged articles through it (tests/security/test_access_matrix.py).
    Merging changes tags: it takes the permission to change them, and a selection made first (taggit
    answers 500 to a merge of nothing)."""

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and not request.session.get("selected_tag_ids"):
            return redirect("admin:taggit_tag_changelist")
        return super().merge_tags_view(request)


admin.site.unregister(Tag)
admin.site.register(Tag, SiteTagAdmin)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "section",
            "standfirst",
            "body",
            "tags",
            "lead_image",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "status",
            "published_at",
            "comments_open",
        ]

    def __init__(self, *args, may_publish: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].required = True
        if not may_publish and "status" in self.fields:
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Article.Status.PUBLISHED
            ]
            self.fields["status"].help_text = _("Submit the article for review; an editor publishes it.")

    def clean_lead_image(self):
        upload = self.cleaned_data.get("lead_image")
        if isinstance(upload, UploadedFile):
            return images.clean_upload(upload)
        return upload


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    fields = ("author", "position")
    verbose_name = _("author")
    verbose_name_plural = _("byline (leave empty to sign it yourself)")


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ("created_at", "text")


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = ("saved_at", "saved_by", "title", "standfirst", "body")
    readonly_fields = fields
    verbose_name_plural = _("history (the text before each edit after publication)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ("title", "section", "status", "is_published", "published_at", "author", "comment_count")
    list_filter = (
        "status",
        "section",
        "comments_open",
        ("published_at", admin.DateFieldListFilter),
        "author",
    )
    list_select_related = ("author", "section")
    search_fields = ("title", "standfirst", "body", "slug")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    inlines = [BylineInline, CorrectionInline, RevisionInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "section", "standfirst", "body", "tags")}),
        (
            _("Lead image"),
            {"fields": ("lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit")},
        ),
        (_("Publishing"), {"fields": ("status", "published_at", "comments_open")}),
        (_("Record"), {"fields": ("author", "comment_count", "body_updated_at", "created_at", "updated_at")}),
    )
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["author", "comment_count", "body_updated_at", "created_at", "updated_at"]
        if not desk.can_publish(request.user):
            fields.append("published_at")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        may_publish = desk.can_publish(request.user)

        class DeskForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, may_publish=may_publish, **kw)

        return DeskForm

    def has_change_permission(self, request, obj=None):
        # Writers edit drafts and articles under review; a published article is the editors' to change.
        if obj is not None and obj.status == Article.Status.PUBLISHED and not desk.can_publish(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_publish_permission(self, request) -> bool:
        return desk.can_publish(request.user)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        desk.save_article(obj, by=request.user, image_changed="lead_image" in form.changed_data)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not article.byline_set.exists():
            Byline.objects.create(article=article, author=article.author or request.user)

    @admin.action(description=_("Publish the selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        count = desk.publish_articles(queryset)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected articles to draft"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = desk.unpublish_articles(queryset)
        self.message_user(
            request,
            ngettext("%(count)d article returned to draft.", "%(count)d articles returned to draft.", count)
            % {"count": count},
            messages.SUCCESS,
        )
