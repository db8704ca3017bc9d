"""Names that cannot pass for someone else's.

A name is compared by its confusable skeleton (Unicode Technical Standard #39, section 4: "Mo Moderаtor"
with a Cyrillic а has the skeleton of "Mo Moderator"), computed by ICU's SpoofChecker through PyICU, after
NFKC (full-width letters) and with case and runs of spaces ignored. Each account stores the key of its
username and of its display name (User.username_key, User.display_name_key), so that a new name is checked
against every existing one in one indexed query. Invisible characters and text-direction controls are
refused outright: they make two names that look the same differ, or reorder what a reader sees.
"""

import unicodedata
from functools import cache

import icu
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Format characters (category Cf) include every bidi control (U+200E, U+200F, U+061C, U+202A–U+202E,
# U+2066–U+2069) and the zero-width ones (U+200B–U+200D, U+2060, U+FEFF, U+180E); these letters and symbols
# render as nothing too.
INVISIBLE_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})

INVISIBLE_MESSAGE = _(
    "Names cannot contain invisible characters (such as zero-width spaces) or characters that change the "
    "direction of the text."
)
STAFF_LOOK_ALIKE_MESSAGE = _(
    "This name looks like the name of a member of staff. Please choose a name that cannot be mistaken for it."
)
LOOK_ALIKE_MESSAGE = _("This name is taken, or looks too much like a name that is. Please choose another.")


@cache
def _spoof_checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def name_key(name: str) -> str:
    """The confusable skeleton of a name, ignoring case: equal keys mean names a reader cannot tell apart."""
    text = " ".join(unicodedata.normalize("NFKC", name or "").split())
    if not text:
        return ""
    # Case-folded between two skeletons: upper-case letters have confusables of their own (I and l), and
    # so do their lower-case forms (m and rn), so "MO" and "mo" must both end as "rno".
    checker = _spoof_checker()
    return checker.getSkeleton(0, checker.getSkeleton(0, text).casefold())


def has_invisible_characters(name: str) -> bool:
    return any(
        char in INVISIBLE_CHARACTERS or unicodedata.category(char) in REFUSED_CATEGORIES for char in name
    )


def look_alike(name: str, *, exclude_user_id: int | None = None):
    """Another account whose username or display name cannot be told apart from `name`; staff first."""
    from forum.accounts.models import User

    key = name_key(name)
    if not key:
        return None
    others = User.objects.filter(Q(username_key=key) | Q(display_name_key=key))
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
    return others.order_by("-is_staff", "pk").only("pk", "is_staff").first()


def check_name(name: str, *, exclude_user_id: int | None = None) -> None:
    """Raise a ValidationError with the reason when `name` may not be taken by this account."""
    if has_invisible_characters(name):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")
    other = look_alike(name, exclude_user_id=exclude_user_id)
    if other is not None:
        if other.is_staff:
            raise ValidationError(STAFF_LOOK_ALIKE_MESSAGE, code="staff_look_alike")
        raise ValidationError(LOOK_ALIKE_MESSAGE, code="look_alike")


def validate_new_username(username: str) -> None:
    """For allauth's sign-up (ACCOUNT_USERNAME_VALIDATORS): the account does not exist yet. A username
    taken as it is, allauth refuses itself with its own message."""
    from forum.accounts.models import User

    if has_invisible_characters(username) or not User.objects.filter(username__iexact=username).exists():
        check_name(username)


# ACCOUNT_USERNAME_VALIDATORS replaces the model field's validators, so Django's comes first.
username_validators = [UnicodeUsernameValidator(), validate_new_username]
