"""The discussion's counted labels, for the Jinja2 partials (forum/comments/jinja.py): ngettext here, because
makemessages reads templates with Django's lexer and does not extract Jinja plurals. The msgids are those the
DTL templates had, so the catalogues keep their translations. Each label is remembered per language and
count: a page asks for the same few hundred."""

from functools import lru_cache

from django.utils.translation import get_language, ngettext


@lru_cache(maxsize=8192)
def _label(kind: str, language: str | None, count: int) -> str:
    if kind == "replies":
        label = ngettext("%(counter)s reply", "%(counter)s replies", count)
    elif kind == "continue_thread":
        label = ngettext(
            "Continue this thread (%(counter)s reply) →",
            "Continue this thread (%(counter)s replies) →",
            count,
        )
    elif kind == "more_replies":
        label = ngettext("Show %(counter)s more reply", "Show %(counter)s more replies", count)
    elif kind == "votes":
        label = ngettext("%(counter)s vote", "%(counter)s votes", count)
    else:
        raise ValueError(f"no such label: {kind!r}")
    return label % {"counter": count}


def replies(count: int) -> str:
    return _label("replies", get_language(), count)


def continue_thread(count: int) -> str:
    return _label("continue_thread", get_language(), count)


def more_replies(count: int) -> str:
    return _label("more_replies", get_language(), count)


def votes(count: int) -> str:
    return _label("votes", get_language(), count)
