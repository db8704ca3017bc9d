from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "forum.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from forum.comments import receivers  # noqa: F401  (connects the receivers)
