from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.accounts.names import name_key


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

    # Confusable skeletons of the two names (forum/accounts/names.py), kept by save().
    username_key = models.CharField(max_length=600, blank=True, default="", editable=False, db_index=True)
    display_name_key = models.CharField(max_length=200, blank=True, default="", editable=False, db_index=True)

    def save(self, *args, **kwargs) -> None:
        self.username_key = name_key(self.username)[:600]
        self.display_name_key = name_key(self.display_name)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            keys = {"username": "username_key", "display_name": "display_name_key"}
            kwargs["update_fields"] = {*update_fields, *(keys[f] for f in update_fields if f in keys)}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def email_language(self) -> str:
        """The language of e-mails to this reader, whoever caused them and in whatever language."""
        return self.language or settings.LANGUAGE_CODE

    def __str__(self) -> str:
        return self.public_name
