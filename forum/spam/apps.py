from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpamConfig(AppConfig):
    name = "forum.spam"
    label = "spam"
    verbose_name = _("Spam checks")

    def ready(self) -> None:
        from forum.spam import receivers  # noqa: F401  (connects the comment events)
