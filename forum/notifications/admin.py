from django.contrib import admin

from forum.lib.outbox_admin import OutboxAdmin
from forum.notifications.models import (
    Digest,
    EmailDelivery,
    EmailSummary,
    Notification,
    NotificationJob,
    Preference,
    Subscription,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "comment", "email", "created_at", "read_at")
    list_filter = ("kind", "email", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient", "comment")
    search_fields = ("recipient__username", "recipient__email")
    raw_id_fields = ("recipient", "comment", "actor", "digest")
    date_hierarchy = "created_at"


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "article", "thread", "active", "created_at")
    list_filter = ("active",)
    list_select_related = ("user", "article", "thread")
    search_fields = ("user__username", "article__title")
    raw_id_fields = ("user", "article", "thread")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_filter = ("kind", "email")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(NotificationJob)
class NotificationJobAdmin(OutboxAdmin):
    list_display = ("comment_id", "event", "notified", *OutboxAdmin.outbox_fields, "last_error")
    list_filter = ("state", "event")


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(OutboxAdmin):
    list_display = ("notification", "sent_at", "note", *OutboxAdmin.outbox_fields, "last_error")
    list_select_related = ("notification__recipient",)
    list_filter = ("state", ("sent_at", admin.EmptyFieldListFilter))


@admin.register(EmailSummary)
class EmailSummaryAdmin(OutboxAdmin):
    list_display = (
        "recipient",
        "stream",
        "thread_id",
        "sent_at",
        "note",
        *OutboxAdmin.outbox_fields,
        "last_error",
    )
    list_select_related = ("recipient",)
    list_filter = ("state", "stream", ("sent_at", admin.EmptyFieldListFilter))


@admin.register(Digest)
class DigestAdmin(OutboxAdmin):
    list_display = ("recipient", "day", "sent_at", "note", *OutboxAdmin.outbox_fields, "last_error")
    list_select_related = ("recipient",)
