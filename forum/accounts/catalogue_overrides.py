"""Strings of installed apps whose Ukrainian the site corrects. Our catalogue (LOCALE_PATHS) is consulted
before any app's, so a msgid listed here, and translated in locale/, wins. Nothing imports this module:
makemessages reads it."""

from django.utils.translation import gettext_noop

CORRECTED = [
    # django.contrib.auth's catalogue leaves "Email" in English and is consulted before allauth's (it comes
    # first in INSTALLED_APPS), so allauth's sign-up and e-mail forms said "Email:" on Ukrainian pages.
    gettext_noop("Email"),
]
