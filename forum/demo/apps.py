from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo content that `make run` loads. It sits at the site level because it brings every app
    together (articles, the comment importer, accounts); no other app depends on it."""

    name = "forum.demo"
    label = "demo"
    verbose_name = _("Demo content")
