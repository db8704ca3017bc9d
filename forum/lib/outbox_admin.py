"""The admin side of outbox rows: staff see what failed and why, and can run it again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from forum.lib import outbox


class OutboxAdmin(admin.ModelAdmin):
    """Read-only lists of background work, filtered by state, with a "retry" action for failed rows."""

    outbox_fields = ("state", "attempts", "created_at", "available_at", "claimed_at", "finished_at")
    list_filter = ("state",)
    date_hierarchy = "created_at"
    actions = ["retry"]
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description=_("Run the selected rows again"), permissions=["retry"])
    def retry(self, request, queryset):
        pks = list(queryset.exclude(state=outbox.State.RUNNING).values_list("pk", flat=True))
        self.model.objects.filter(pk__in=pks).requeue()
        for pk in pks:
            outbox.enqueue(self.model, pk)
        self.message_user(
            request, _("%(count)d rows queued to run again.") % {"count": len(pks)}, messages.SUCCESS
        )
