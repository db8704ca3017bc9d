from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(
        _("display name"),
        max_length=50,
        blank=True,
        help_text=_("The name shown beside your comments. Leave empty to show your username."),
    )
    # Empty until the reader signs up or picks a language: then the site follows their browser.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the site and of the e-mails it sends you."),
    )

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def email_language(self) -> str:
        """The language of e-mails to this reader, whoever caused them and in whatever language."""
        return self.language or settings.LANGUAGE_CODE

    def __str__(self) -> str:
        return self.public_name
