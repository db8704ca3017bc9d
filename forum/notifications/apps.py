from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "forum.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Receivers of a comment event run in the order they were connected, and each enqueues its outbox row
        # after the commit in that order. A new or edited comment's spam check must come before its
        # notification job: in the embedded mode the tasks then run eagerly in that order, so a comment the
        # check pulls as spam is never announced (in production, e-mails wait NOTIFICATIONS_EMAIL_DELAY).
        # So the spam app's receivers are connected first here, whatever the order of INSTALLED_APPS.
        if apps.is_installed("forum.spam"):
            from forum.spam import receivers as spam_receivers  # noqa: F401
        from forum.notifications import receivers  # noqa: F401  (connects the comment and moderation events)
