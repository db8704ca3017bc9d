"""What notifications hold about a reader: what they follow, what they were told, their e-mail choices.
Called by forum/accounts/personal_data.py (export, account deletion)."""

from forum.notifications.models import Digest, Notification, Preference, Subscription


def export(user) -> dict:
    subscriptions = Subscription.objects.filter(user=user).select_related("article").order_by("created_at")
    notifications = (
        Notification.objects.filter(recipient=user)
        .select_related("comment__article", "comment__author", "actor")
        .order_by("created_at", "pk")
    )
    return {
        "follows": [
            {
                "article": subscription.article.title if subscription.article_id else None,
                "thread": subscription.thread_id,
                "following": subscription.active,
                "created_at": subscription.created_at.isoformat(),
            }
            for subscription in subscriptions
        ],
        "notifications": [
            {
                "kind": notification.kind,
                "comment": notification.comment_id,
                "summary": notification.summary(),
                "reason": notification.reason,
                "email": notification.email,
                "created_at": notification.created_at.isoformat(),
                "read_at": notification.read_at.isoformat() if notification.read_at else None,
            }
            for notification in notifications
        ],
        "notification_preferences": Preference.objects.modes_for(user),
    }


def forget_user(user) -> None:
    Notification.objects.filter(recipient=user).delete()  # with their e-mail deliveries
    Digest.objects.filter(recipient=user).delete()
    Subscription.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
