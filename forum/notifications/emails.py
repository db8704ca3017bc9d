"""Notification e-mails: one per notification, one summary of a stream in a storm, or one digest a day, each
as a text and HTML pair, with the one-click unsubscribe headers of RFC 8058 and a signed link that works
without logging in."""

import html
import smtplib
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import ngettext

from forum.lib.outbox import Transient
from forum.notifications.models import EmailSummary, Kind, Notification

UNSUBSCRIBE_SALT = "forum.notifications.unsubscribe"
DIGEST_SCOPE = "digest"
EXCERPT_CHARS = 300


class PermanentEmailError(Exception):
    """The SMTP server refused the message for good (5xx): retrying will not help."""


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(user_id: int, scope: str) -> str:
    """`scope` is a notification kind, or "digest" for every kind the reader receives as a digest."""
    return signing.dumps({"u": user_id, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Raise signing.BadSignature when the token was not made by this site."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed unsubscribe token")
    scope = data.get("s")
    if scope != DIGEST_SCOPE and scope not in Kind.values:
        raise signing.BadSignature("unknown unsubscribe scope")
    return data["u"], scope


def unsubscribe_url(user_id: int, scope: str) -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id, scope)}))


def can_email(user) -> bool:
    """Only active readers, and only at an address they verified."""
    return bool(
        user.is_active
        and user.email
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def excerpt(comment) -> str:
    text = html.unescape(strip_tags(comment.body_html)).strip()
    return Truncator(" ".join(text.split())).chars(EXCERPT_CHARS)


def message_id(kind: str, pk: int) -> str:
    # The same id for every attempt at the same message: if a message ever goes out twice (a worker killed
    # after the server accepted it), mail clients show it once.
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<tribune.{kind}.{pk}@{host}>"


def build(
    name: str, context: dict, *, to: str, scope: str, user_id: int, msgid: str, language: str
) -> EmailMultiAlternatives:
    """`language` is the recipient's: whoever wrote the comment, in whatever language, the e-mail is written
    for the one who reads it."""
    unsubscribe = unsubscribe_url(user_id, scope)
    context = {
        **context,
        "LANGUAGE_CODE": language,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notifications:preferences")),
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_message.txt", context)
        body_html = render_to_string(f"emails/{name}_message.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": msgid,
        },
    )
    message.attach_alternative(body_html, "text/html")
    return message


def item_context(notification: Notification, recipient=None) -> dict:
    """What one notification says. The comment's text is quoted only if the recipient may read it now."""
    comment = notification.comment
    recipient = recipient or notification.recipient
    return {
        "notification": notification,
        "kind": notification.kind,
        "comment": comment,
        "article": comment.article,
        "author": comment.display_author,
        "actor": notification.actor.public_name if notification.actor_id else "",
        "excerpt": excerpt(comment) if comment.is_readable_by(recipient) else "",
        "comment_url": absolute(comment.get_absolute_url()),
    }


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    return build(
        "notification",
        {**item_context(notification, recipient), "recipient": recipient},
        to=recipient.email,
        scope=notification.kind,
        user_id=recipient.pk,
        msgid=message_id("notification", notification.pk),
        language=recipient.email_language,
    )


def digest_message(digest, notifications: list[Notification]) -> EmailMultiAlternatives:
    recipient = digest.recipient
    return build(
        "notification_digest",
        {
            "recipient": recipient,
            "day": digest.day,
            "items": [item_context(n, recipient) for n in notifications],
        },
        to=recipient.email,
        scope=DIGEST_SCOPE,
        user_id=recipient.pk,
        msgid=message_id("digest", digest.pk),
        language=recipient.email_language,
    )


SUMMARY_ITEMS = 20

# How a summary counts each kind; %(count)d is the number.
COUNTED = {
    Kind.REPORT: ("%(count)d new report", "%(count)d new reports"),
    Kind.HELD: ("%(count)d comment held for review", "%(count)d comments held for review"),
    Kind.MENTION: ("%(count)d mention of you", "%(count)d mentions of you"),
    Kind.REPLY: ("%(count)d reply to your comments", "%(count)d replies to your comments"),
    Kind.THREAD: ("%(count)d new comment in the thread", "%(count)d new comments in the thread"),
    Kind.ARTICLE: ("%(count)d new comment on the article", "%(count)d new comments on the article"),
}


def summary_message(
    summary: EmailSummary, notifications: list[Notification], counts: dict[str, int]
) -> EmailMultiAlternatives:
    """One e-mail for what came in during a window: counts by kind, the first SUMMARY_ITEMS items, and a link
    to where they all are (the moderation queue, or the thread)."""
    recipient = summary.recipient
    language = recipient.email_language
    with translation.override(language):
        lines = [
            ngettext(singular, plural, counts[kind]) % {"count": counts[kind]}
            for kind, (singular, plural) in COUNTED.items()
            if counts.get(kind)
        ]
    if summary.stream == EmailSummary.Stream.MODERATION:
        link, article = absolute(reverse("moderation:queue")), None
    else:
        link, article = absolute(summary.thread.get_absolute_url()), summary.thread.article
    shown = notifications[:SUMMARY_ITEMS]
    return build(
        "notification_summary",
        {
            "recipient": recipient,
            "moderation": summary.stream == EmailSummary.Stream.MODERATION,
            "article": article,
            "total": len(notifications),
            "counts": lines,
            "items": [item_context(n, recipient) for n in shown],
            "more": len(notifications) - len(shown),
            "link": link,
            "minutes": int(
                settings.NOTIFICATIONS_MODERATOR_EMAIL_MINUTES
                if summary.stream == EmailSummary.Stream.MODERATION
                else settings.NOTIFICATIONS_THREAD_EMAIL_MINUTES
            ),
        },
        to=recipient.email,
        # The kind most of it is about: one click stops the bulk of such e-mails.
        scope=max(counts, key=counts.__getitem__),
        user_id=recipient.pk,
        msgid=message_id("summary", summary.pk),
        language=language,
    )


def send(message: EmailMultiAlternatives) -> None:
    """Send, telling a refusal for good (5xx) from trouble worth a retry (network, 4xx, server down)."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentEmailError(f"recipient refused: {exc.recipients}") from exc
        raise Transient(f"recipient deferred: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentEmailError(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        raise Transient(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
    except OSError as exc:  # connection refused or reset, timeouts, SMTPServerDisconnected
        raise Transient(f"{exc.__class__.__name__}: {exc}") from exc
