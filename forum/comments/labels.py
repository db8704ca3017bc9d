"""The discussion's counted labels, for the Jinja2 partials (forum/comments/jinja.py): ngettext here, because
makemessages reads templates with Django's lexer and does not extract Jinja plurals. The msgids are those the
DTL templates had, so the catalogues keep their translations."""

from django.utils.translation import ngettext


def replies(count: int) -> str:
    return ngettext("%(counter)s reply", "%(counter)s replies", count) % {"counter": count}


def continue_thread(count: int) -> str:
    return ngettext(
        "Continue this thread (%(counter)s reply) →", "Continue this thread (%(counter)s replies) →", count
    ) % {"counter": count}


def more_replies(count: int) -> str:
    label = ngettext("Show %(counter)s more reply", "Show %(counter)s more replies", count)
    return label % {"counter": count}


def votes(count: int) -> str:
    return ngettext("%(counter)s vote", "%(counter)s votes", count) % {"counter": count}
