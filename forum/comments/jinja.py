"""The Jinja2 environment of the discussion's hot partials (templates/jinja2/, the `jinja2` engine of
TEMPLATES; docs/architecture.md, "The template engine"). The rest of the site renders with Django's template
language.

The templates get `url()` (reverse) and `_()` (gettext). `_("…")` is the one form Django's makemessages
finds in a template, so every singular string is written that way; plural strings come from `labels`
(forum/comments/labels.py: ngettext in Python), since makemessages does not read Jinja plurals.
Autoescape is on (the backend's default). Numbers are printed as they are, never localised: the
`{% localize off %}` of the DTL templates these replace.
"""

from collections.abc import Callable
from functools import lru_cache, partial

from django.urls import reverse
from django.utils.translation import get_language, gettext
from jinja2 import Environment

from forum.comments import labels


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def translate(message: str) -> str:
    """gettext, remembered per language: a page asks for the same few strings thousands of times."""
    return _translated(get_language(), message)


def translator() -> Callable[[str], str]:
    """`translate` for the language active now, to put in a render's context as `_` when the render runs
    many macros: it spares a look-up of the active language at every string."""
    return partial(_translated, get_language())


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(_=translate, url=url, labels=labels)
    return env
