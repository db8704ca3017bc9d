"""The moderation records in the admin: read-only (the queue and the services are where things change),
the per-article discussion settings, and the comments admin with moderation's bulk actions and its one
change form, a moderator's edit of a comment's text (logged by services.revise)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from forum.comments import rules
from forum.comments.admin import CommentAdmin
from forum.comments.models import Comment
from forum.moderation import services, suspensions
from forum.moderation.forms import CommentTextForm, HideForm
from forum.moderation.models import Appeal, DiscussionSettings, ModerationAction, Report, Suspension
from forum.moderation.permissions import can_moderate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "actor_name",
        "target_name",
        "comment_id",
        "article",
        "reason",
        "status_before",
        "status_after",
    )
    list_filter = ("kind", "reason", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("article",)
    search_fields = ("actor_name", "target_name", "note")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "kind",
        "actor",
        "actor_name",
        "comment",
        "article",
        "target_user",
        "target_name",
        "reason",
        "note",
        "status_before",
        "status_after",
        "text_before",
        "text_after",
    )
    show_full_result_count = False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment_id", "reporter", "reason", "weight", "status", "decided_by")
    list_filter = ("status", "reason", "from_new_account")
    list_select_related = ("reporter", "decided_by")
    search_fields = ("reporter__username", "note", "law")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment_id", "author", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("author", "decided_by")
    search_fields = ("author__username", "text", "decision_reason")


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "ends_at", "reason", "created_by", "lifted_at")
    list_filter = (("ends_at", admin.EmptyFieldListFilter), ("lifted_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "created_by")
    search_fields = ("user__username", "reason")
    actions = ["lift"]

    def has_moderate_permission(self, request) -> bool:
        return can_moderate(request.user)

    @admin.action(description=_("Lift the selected suspensions"), permissions=["moderate"])
    def lift(self, request, queryset) -> None:
        lifted = 0
        for suspension in queryset:
            try:
                suspensions.lift_suspension(suspension=suspension, actor=request.user)
            except ValidationError:
                continue
            lifted += 1
        self.message_user(request, _("%(count)d suspensions lifted.") % {"count": lifted}, messages.SUCCESS)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(admin.ModelAdmin):
    """Per-article overrides of COMMENTS_CLOSE_AFTER_DAYS, for editors who may change articles (its own page,
    so that the article's form stays the articles app's own)."""

    list_display = ("article", "close_after_days")
    list_select_related = ("article",)
    search_fields = ("article__title", "article__slug")
    autocomplete_fields = ("article",)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return rules.can_close(request.user)

    def has_add_permission(self, request) -> bool:
        return rules.is_editor(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return rules.is_editor(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return rules.is_editor(request.user)


# -- bulk actions on comments, through the same functions as the queue (logged and counted alike) ----------
def report_bulk(modeladmin, request, result: services.BulkResult) -> None:
    if result.done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d comment done.", "%(count)d comments done.", result.done)
            % {"count": result.done},
            messages.SUCCESS,
        )
    for comment_id, why in result.skipped:
        modeladmin.message_user(
            request, _("Comment %(id)s skipped: %(why)s") % {"id": comment_id, "why": why}, messages.WARNING
        )


@admin.action(description=_("Hide the selected comments…"), permissions=["moderate"])
def hide_comments(modeladmin, request, queryset):
    """Asks for the reason on an intermediate page, like Django's own delete confirmation."""
    form = HideForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        result = services.bulk(
            comments=queryset.select_related("article", "author"),
            action="hide",
            actor=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        report_bulk(modeladmin, request, result)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Hide comments"),
        "opts": modeladmin.model._meta,
        "form": form,
        "queryset": queryset,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/moderation/hide_comments.html", context)


@admin.action(description=_("Unhide the selected comments"), permissions=["moderate"])
def unhide_comments(modeladmin, request, queryset) -> None:
    result = services.BulkResult()
    for comment in queryset.select_related("article", "author"):
        try:
            services.unhide(comment=comment, actor=request.user)
        except ValidationError as error:
            result.skipped.append((comment.pk, " ".join(error.messages)))
        else:
            result.done += 1
    report_bulk(modeladmin, request, result)


@admin.action(description=_("Mark the selected comments as spam"), permissions=["moderate"])
def mark_comments_spam(modeladmin, request, queryset) -> None:
    result = services.bulk(
        comments=queryset.select_related("article", "author"), action="spam", actor=request.user
    )
    report_bulk(modeladmin, request, result)


# The comments admin with moderation's bulk actions, registered explicitly by the app that owns them, in place
# of the comments app's own (which forum.comments.admin registered first: imported above).
admin.site.unregister(Comment)


@admin.register(Comment)
class ModeratedCommentAdmin(CommentAdmin):
    """Moderators may change a comment's text here, and nothing else about it (visibility goes through the
    actions); everyone else reads, as in the comments app's admin."""

    form = CommentTextForm
    actions = [*CommentAdmin.actions, hide_comments, unhide_comments, mark_comments_spam]

    def has_moderate_permission(self, request) -> bool:
        return can_moderate(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_moderate(request.user)

    def get_readonly_fields(self, request, obj=None):
        # A comment its author deleted has no text left to edit (and none to bring back).
        if can_moderate(request.user) and (obj is None or obj.status != Comment.Status.DELETED):
            return self.readonly_fields
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj: Comment, form, change: bool) -> None:
        # The text is the one field this form has; the revision re-reads the comment under its lock and logs
        # the text it replaces, in the transaction of the admin's change view.
        if "body" in form.changed_data:
            services.revise(comment=obj, actor=request.user, body=form.cleaned_data["body"])
