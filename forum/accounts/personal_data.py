"""A reader's data is theirs: everything the site holds about them as one JSON document, and the deletion of
their account. Each app exports and erases its own data (its personal_data module); this module decides
the order and does the account's own part (the user row, e-mail addresses, sessions, the admin's log).

Deletion, in order (docs/privacy.md):
1. spam: the checks' request facts (and, when the text goes, the checks and training rows of their comments);
2. moderation: their reports, appeals and suspensions; the log keeps its entries without their name;
3. notifications: their inbox, digests, follows and e-mail choices;
4. comments: their votes are withdrawn (scores lose them) and their comments stay in the threads as
   "[deleted account]", with the text removed unless ACCOUNT_DELETION_KEEPS_TEXT;
5. the account: admin log entries about it and its comments lose its name, its sessions and e-mail addresses
   go, then the user.
"""

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from forum.accounts.models import User
from forum.comments import personal_data as comments_data
from forum.comments import posting
from forum.comments.models import DELETED_ACCOUNT_NAME, Comment
from forum.moderation import personal_data as moderation_data
from forum.notifications import personal_data as notifications_data
from forum.spam import personal_data as spam_data

ACCOUNT_FIELDS_LEFT_OUT = {"password"}


def _value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_personal_data(user: User) -> dict:
    account = {
        field.attname: _value(getattr(user, field.attname))
        for field in User._meta.concrete_fields
        if field.name not in ACCOUNT_FIELDS_LEFT_OUT
    }
    account["groups"] = sorted(user.groups.values_list("name", flat=True))
    return {
        "site": settings.SITE_NAME,
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        **comments_data.export(user),
        **notifications_data.export(user),
        **moderation_data.export(user),
        **spam_data.export(user),
    }


def delete_sessions(user: User) -> int:
    """Django's database sessions are not indexed by user: read the unexpired ones (deletions are rare).
    Each is deleted through the session engine, so the cache's copy goes too (SESSION_ENGINE cached_db)."""
    user_id = str(user.pk)
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in doomed:
        store(session_key=session_key).delete()
    return len(doomed)


def delete_account(user: User, *, keep_text: bool | None = None) -> None:
    if keep_text is None:
        keep_text = settings.ACCOUNT_DELETION_KEEPS_TEXT
    with transaction.atomic():
        spam_data.forget_author(user, keeps_text=keep_text)
        moderation_data.forget_user(user)
        notifications_data.forget_user(user)
        posting.withdraw_votes(user=user)
        # The admin's log names each comment a moderator changed there by its author ("Comment #7 by …").
        comment_ids = [str(pk) for pk in Comment.objects.filter(author=user).values_list("pk", flat=True)]
        posting.anonymise_author(author=user, keep_text=keep_text)
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=DELETED_ACCOUNT_NAME)
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Comment), object_id__in=comment_ids
        ).update(object_repr=DELETED_ACCOUNT_NAME)
        delete_sessions(user)
        EmailAddress.objects.filter(user=user).delete()
        user.delete()
