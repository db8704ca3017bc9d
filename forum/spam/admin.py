from django.contrib import admin

from forum.lib.outbox_admin import OutboxAdmin
from forum.spam.models import BlockedTerm, Corpus, SpamCheck, TokenStat, Training


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    """Words and link domains that make a comment look like spam; editors keep the list."""

    list_display = ("value", "kind", "note", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "note")


@admin.register(SpamCheck)
class SpamCheckAdmin(OutboxAdmin):
    list_display = ("key", "verdict", "score", *OutboxAdmin.outbox_fields, "last_error")
    list_filter = ("state", "verdict")
    search_fields = ("key",)


@admin.register(Training)
class TrainingAdmin(OutboxAdmin):
    list_display = ("comment_id", "label", "trained_label", *OutboxAdmin.outbox_fields, "last_error")
    list_filter = ("state", "label")


@admin.register(TokenStat)
class TokenStatAdmin(admin.ModelAdmin):
    list_display = ("token", "spam", "ham")
    search_fields = ("token",)
    ordering = ("-spam",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Corpus)
class CorpusAdmin(admin.ModelAdmin):
    list_display = ("__str__", "spam", "ham")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
