"""The access matrix (issue 10, item 4): every URL of the resolver × method × role.

One world is built once per module (inside a transaction that is rolled back at the end; each test runs in a
savepoint of it): an open, a closed and a draft article, the author's comments in every status (each withheld
one with a published reply below it, so that it shows as a placeholder, the harder case), a locked thread,
another reader's inbox notification, report and follow, the author's appeal, a suspension, and one account
per role. Withheld text carries a marker ("LEAK-<kind>-<run>") that no response to a role that must not read
it may contain.

`TABLE` maps every URL of the resolver (its name, or its route when it has none) to its probes: a probe names
the object its URL is built for and the outcome it expects per method, one entry per role in the order of
`ROLES`. `test_the_table_covers_every_url` fails on a URL missing from the table (a new URL cannot slip in
untested) and on an entry whose URL is gone. After every refused POST, PUT or DELETE the database must be as
it was (`snapshot`). docs/security.md, "The access matrix", says how to add a URL.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import Article
from forum.accounts.models import User
from forum.comments.models import Comment, Vote
from forum.moderation.models import Appeal, ModerationAction, Report, Suspension
from forum.notifications import emails, following
from forum.notifications.models import Kind, Notification, Preference, Subscription
from tests.factories import ArticleFactory, CommentFactory, EditorFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db  # not marked `rate_limits`: the limits are off (tests/conftest.py)

ROLES = ("anonymous", "reader", "author", "other_reader", "suspended", "editor", "moderator", "superuser")
LOGGED_IN = ROLES[1:]
RUN = uuid.uuid4().hex[:12]


def marker(kind: str) -> str:
    return f"LEAK-{kind}-{RUN}"


# Who may read each marker. Withheld comment text follows Comment.TEXT_READERS (the author reads their own
# pending and hidden comments, moderators the rest, deleted text is nobody's); the superuser holds every
# permission, so the admin shows them what the database holds.
MARKERS: dict[str, frozenset[str]] = {
    marker("pending"): frozenset({"author", "moderator", "superuser"}),
    marker("hidden"): frozenset({"author", "moderator", "superuser"}),
    marker("spam"): frozenset({"moderator", "superuser"}),
    marker("deleted"): frozenset({"superuser"}),
    marker("inbox"): frozenset({"other_reader", "superuser"}),  # a reason in another reader's inbox
    marker("report"): frozenset({"moderator", "superuser"}),  # a reporter's note
    marker("appeal"): frozenset({"author", "moderator", "superuser"}),  # the author's appeal
}

# -- outcomes ------------------------------------------------------------------------------------------------
LOGIN = "login"  # 302 to a login page (the site's or the admin's)
REFUSED = "refused"  # LOGIN, 403, 404 or 405: whichever, nothing is read or written


def roles(*outcomes) -> dict[str, object]:
    """One outcome per role, in the order of ROLES: anonymous, reader, author, other_reader, suspended,
    editor, moderator, superuser. An outcome is a status code, a tuple of them, LOGIN or REFUSED."""
    assert len(outcomes) == len(ROLES), outcomes
    return dict(zip(ROLES, outcomes, strict=True))


def everyone(outcome) -> dict[str, object]:
    return dict.fromkeys(ROLES, outcome)


NOBODY = everyone(REFUSED)


@dataclass(frozen=True)
class Probe:
    """One way of calling a URL: the object its kwargs come from (an attribute of the world), a query
    string, whether htmx asks, what a POST sends, and the outcome per method and role (None: not probed)."""

    target: str | None = None
    get: dict | None = None
    post: dict | None = None
    put: dict | None = None
    delete: dict | None = None
    query: Callable[[SimpleNamespace], str] | str = ""
    htmx: bool = False
    data: Callable[[SimpleNamespace], dict] | dict = field(default_factory=dict)
    kwargs: Callable[[SimpleNamespace], dict] | None = None  # for routes whose kwargs are not an object's
    setup: Callable[[SimpleNamespace], None] | None = None  # run before the request (e.g. a first use)
    # After the request, with the role, method and response: asserts what the request may have changed.
    check: Callable[[SimpleNamespace, str, str, object], None] | None = None
    also_reads: dict[str, frozenset[str]] = field(default_factory=dict)  # markers this page may show to more
    writes_nothing: bool = False  # even when accepted, the request must leave the database as it was

    def outcomes(self) -> dict[str, dict]:
        return {
            method: expected
            for method, expected in (
                ("GET", self.get),
                ("POST", self.post),
                ("PUT", self.put),
                ("DELETE", self.delete),
            )
            if expected is not None
        }


# -- the table -----------------------------------------------------------------------------------------------
# Outcomes per role, in the order anonymous, reader, author, other_reader, suspended, editor, moderator,
# superuser. An anonymous POST to a login_required view is a 302 to the login page (LOGIN): Django's
# decorator redirects before the view runs, and nothing is written.
OPEN = everyone(200)
READERS = roles(LOGIN, *[200] * 7)  # any logged-in reader, for their own data
MODERATORS = roles(REFUSED, *[REFUSED] * 5, 200, 200)
MOD_WRITE = roles(REFUSED, *[REFUSED] * 5, 302, 302)
CLOSERS = roles(REFUSED, *[REFUSED] * 4, 302, 302, 302)
ONLY_AUTHOR_READS = roles(LOGIN, REFUSED, 200, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
ONLY_AUTHOR_WRITES = roles(LOGIN, REFUSED, 302, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
ONLY_MODERATORS_READ = roles(404, *[404] * 5, 200, 200)  # a comment of a draft article
NOT_ALLOWED = everyone(405)


def comment_probe(target: str, **kwargs) -> Probe:
    """A read-only comment page: open to all (a withheld comment with replies shows as a placeholder)."""
    return Probe(target=target, get=OPEN, post=NOT_ALLOWED, **kwargs)


def own_notification_unread(w, role, method, response):
    """Only the other reader may mark their notification read (opening it is reading it)."""
    unread = Notification.objects.filter(pk=w.notification.pk, read_at__isnull=True).exists()
    assert unread == (role != "other_reader" or response.status_code != 302)


def own_preferences_only(w, role, method, response):
    changed = Preference.objects.filter(user=w.other_reader).exclude(
        pk=w.admin_objects["notifications_preference"].pk
    )
    assert changed.exists() == (role == "other_reader" and response.status_code == 302)


def unsubscribed(kind: str):
    def check(w, role, method, response):
        unsubscribed = {(w.other_reader.pk, kind)} if method == "POST" else set()
        assert (
            set(Preference.objects.filter(email="off").values_list("user_id", "kind"))
            == {
                (w.other_reader.pk, Kind.THREAD),  # the admin's object
            }
            | unsubscribed
        )

    return check


def unsubscribe_first(w):
    Client().post(reverse("notifications:unsubscribe", args=[w.token]))


def language_of_others_unchanged(w, role, method, response):
    changed = set(User.objects.filter(language="uk").values_list("username", flat=True))
    assert changed == ({getattr(w, role).username} if role != "anonymous" and method == "POST" else set())


TABLE: dict[str, dict[str, Probe]] = {
    # articles
    "articles:list": {"front page": Probe(get=OPEN, post=NOT_ALLOWED)},
    "articles:detail": {
        "open article": Probe(target="article", get=OPEN, post=NOT_ALLOWED),
        "closed article": Probe(target="closed_article", get=OPEN, post=NOT_ALLOWED),
        # Editors (and the superuser) who may change articles preview drafts; nobody else finds them.
        "draft article": Probe(
            target="draft_article", get=roles(404, 404, 404, 404, 404, 200, 404, 200), post=NOT_ALLOWED
        ),
    },
    "articles:section": {"section": Probe(target="section", get=OPEN, post=NOT_ALLOWED)},
    "articles:tag": {"tag": Probe(target="tag", get=OPEN, post=NOT_ALLOWED)},
    "articles:author": {"byline": Probe(target="editor", get=OPEN, post=NOT_ALLOWED)},
    # Feeds and sitemaps are GET/HEAD only (require_safe).
    "articles:feed": {"feed": Probe(get=OPEN, post=NOT_ALLOWED)},
    "articles:section_feed": {"feed": Probe(target="section", get=OPEN, post=NOT_ALLOWED)},
    "articles:tag_feed": {"feed": Probe(target="tag", get=OPEN, post=NOT_ALLOWED)},
    "sitemap": {"sitemap": Probe(get=OPEN, post=NOT_ALLOWED)},
    "news_sitemap": {"sitemap": Probe(get=OPEN, post=NOT_ALLOWED)},
    # comments
    "comments:post": {
        "a new thread": Probe(
            target="article",
            get=roles(LOGIN, *[405] * 7),
            post=roles(LOGIN, 302, 302, 302, 403, 302, 302, 302),
            put=roles(LOGIN, *[405] * 7),
            delete=roles(LOGIN, *[405] * 7),
            data={"body": "A new thread."},
        ),
        "on a closed article": Probe(
            target="closed_article", post=roles(LOGIN, *[403] * 7), data={"body": "Too late."}
        ),
        "on a draft article": Probe(
            target="draft_article", post=roles(LOGIN, *[404] * 7), data={"body": "Early."}
        ),
        "a reply in a locked thread": Probe(
            target="article",
            post=roles(LOGIN, *[403] * 7),
            data=lambda w: {"body": "Locked out.", "parent": w.locked.pk},
        ),
        "a reply to a pending comment": Probe(
            target="article",
            post=roles(LOGIN, 400, 400, 400, 403, 400, 400, 400),
            data=lambda w: {"body": "Answer.", "parent": w.pending.pk},
            # A suspended reader is refused before the parent is looked at.
        ),
    },
    "comments:threads": {"load more": Probe(target="article", htmx=True, get=OPEN, post=NOT_ALLOWED)},
    "comments:permalink": {
        status: comment_probe(status) for status in ("published", "pending", "hidden", "spam", "deleted")
    }
    | {"on a draft article": Probe(target="in_draft", get=ONLY_MODERATORS_READ, post=NOT_ALLOWED)},
    "comments:reply": {
        "published": comment_probe("published", htmx=True),
        "hidden": comment_probe("hidden", htmx=True),
    },
    "comments:continue": {
        status: comment_probe(status, htmx=True)
        for status in ("published", "pending", "hidden", "spam", "deleted")
    },
    "comments:replies": {
        status: comment_probe(status, htmx=True)
        for status in ("published", "pending", "hidden", "spam", "deleted")
    }
    | {"after a reply": comment_probe("published", htmx=True, query=lambda w: f"after={w.reply.pk}")},
    "comments:edit": {
        "published": Probe(
            target="published",
            get=ONLY_AUTHOR_READS,
            post=ONLY_AUTHOR_WRITES,
            put=roles(LOGIN, *[REFUSED] * 7),
            delete=roles(LOGIN, *[REFUSED] * 7),
            data={"body": "Rewritten."},
        ),
        # A hidden comment is not editable, even by its author (the refusal speaks of the edit window).
        "hidden": Probe(
            target="hidden",
            get=roles(LOGIN, *[REFUSED] * 7),
            post=roles(LOGIN, *[REFUSED] * 7),
            data={"body": "Sneaky."},
        ),
        "spam": Probe(
            target="spam",
            get=roles(LOGIN, *[REFUSED] * 7),
            post=roles(LOGIN, *[REFUSED] * 7),
            data={"body": "Sneaky."},
        ),
    },
    "comments:delete": {
        "published": Probe(
            target="published",
            get=ONLY_AUTHOR_READS,
            post=ONLY_AUTHOR_WRITES,
            put=roles(LOGIN, *[REFUSED] * 7),
            delete=roles(LOGIN, *[REFUSED] * 7),
        ),
        "hidden": Probe(target="hidden", get=ONLY_AUTHOR_READS, post=ONLY_AUTHOR_WRITES),
    },
    "comments:vote": {
        "published": Probe(
            target="published",
            get=roles(LOGIN, *[405] * 7),
            post=roles(LOGIN, 302, 403, 302, 403, 302, 302, 302),
            put=roles(LOGIN, *[405] * 7),
            delete=roles(LOGIN, *[405] * 7),
        ),
        "in a locked thread": Probe(target="locked", post=roles(LOGIN, *[403] * 7)),
        "on a closed article": Probe(target="in_closed", post=roles(LOGIN, *[403] * 7)),
        "hidden": Probe(target="hidden", post=roles(LOGIN, *[REFUSED] * 7)),
        "pending": Probe(target="pending", post=roles(LOGIN, *[REFUSED] * 7)),
        "spam": Probe(target="spam", post=roles(LOGIN, *[REFUSED] * 7)),
    },
    # moderation
    "moderation:queue": {"queue": Probe(get=MODERATORS, post=NOT_ALLOWED)},
    "moderation:bulk": {
        "hide": Probe(
            get=NOT_ALLOWED,
            post=MOD_WRITE,
            data=lambda w: {"action": "hide", "comments": [w.published.pk], "reason": "abuse"},
        )
    },
    "moderation:hide": {
        "published": Probe(target="published", get=NOT_ALLOWED, post=MOD_WRITE, data={"reason": "abuse"})
    },
    "moderation:hide_form": {"published": Probe(target="published", get=MODERATORS, post=NOT_ALLOWED)},
    "moderation:unhide": {"hidden": Probe(target="hidden", get=NOT_ALLOWED, post=MOD_WRITE)},
    "moderation:approve": {"pending": Probe(target="pending", get=NOT_ALLOWED, post=MOD_WRITE)},
    "moderation:spam": {"published": Probe(target="published", get=NOT_ALLOWED, post=MOD_WRITE)},
    "moderation:delete": {
        # For good: a comment without replies (one with replies is refused with a 400, and keeps them).
        "a reply": Probe(target="reply", get=NOT_ALLOWED, post=MOD_WRITE, data={"confirm": "on"})
    },
    "moderation:delete_form": {"published": Probe(target="published", get=MODERATORS, post=NOT_ALLOWED)},
    "moderation:lock": {"published": Probe(target="published", get=NOT_ALLOWED, post=CLOSERS)},
    "moderation:unlock": {"locked": Probe(target="locked", get=NOT_ALLOWED, post=CLOSERS)},
    "moderation:close": {"article": Probe(target="article", get=NOT_ALLOWED, post=CLOSERS)},
    "moderation:reopen": {"closed article": Probe(target="closed_article", get=NOT_ALLOWED, post=CLOSERS)},
    "moderation:report": {
        "published": Probe(
            target="published",
            get=NOT_ALLOWED,
            # Not one's own comment, not twice (the other reader reported it already), not while suspended.
            post=roles(REFUSED, 302, 403, 400, 403, 302, 302, 302),
            data={"reason": "abuse"},
        ),
        "pending": Probe(
            target="pending", post=roles(REFUSED, *[(400, 403, 404)] * 7), data={"reason": "abuse"}
        ),
        "spam": Probe(target="spam", post=roles(REFUSED, *[(400, 403, 404)] * 7), data={"reason": "abuse"}),
    },
    "moderation:report_form": {
        "published": Probe(
            target="published", get=roles(LOGIN, 200, 403, 200, 403, 200, 200, 200), post=NOT_ALLOWED
        ),
        # A withheld comment with replies stays in the tree as a placeholder, so its form opens, naming
        # neither its author nor its text; filing the report is refused (above).
        "spam": Probe(target="spam", get=roles(LOGIN, 200, 403, 200, 403, 200, 200, 200)),
    },
    "moderation:appeal": {
        "hidden, appealed already": Probe(
            target="hidden",
            get=NOT_ALLOWED,
            post=roles(REFUSED, 403, 400, 403, 403, 403, 403, 403),
            data={"text": "Please."},
        ),
        "published": Probe(
            target="published", post=roles(REFUSED, *[(400, 403)] * 7), data={"text": "Please."}
        ),
    },
    "moderation:appeal_form": {
        "hidden": Probe(
            target="hidden", get=roles(LOGIN, 403, 200, 403, 403, 403, 403, 403), post=NOT_ALLOWED
        )
    },
    "moderation:decide": {
        "appeal": Probe(
            target="appeal",
            get=NOT_ALLOWED,
            post=MOD_WRITE,
            data={"decision": "grant", "reason": "Fair point."},
        )
    },
    "moderation:suspend": {
        "reader": Probe(
            target="reader", get=NOT_ALLOWED, post=MOD_WRITE, data={"duration": "1", "reason": "Rude."}
        )
    },
    "moderation:lift": {"suspension": Probe(target="suspension", get=NOT_ALLOWED, post=MOD_WRITE)},
    # notifications
    "notifications:inbox": {"own inbox": Probe(get=READERS, post=roles(LOGIN, *[405] * 7))},
    "notifications:mark_all_read": {
        "own inbox": Probe(
            get=roles(LOGIN, *[405] * 7), post=roles(LOGIN, *[302] * 7), check=own_notification_unread
        )
    },
    "notifications:open": {
        "another reader's": Probe(
            target="notification",
            get=roles(LOGIN, 404, 404, 302, 404, 404, 404, 404),
            post=roles(LOGIN, *[405] * 7),
            check=own_notification_unread,
        )
    },
    "notifications:mark_read": {
        "another reader's": Probe(
            target="notification",
            get=roles(LOGIN, *[405] * 7),
            post=roles(LOGIN, 404, 404, 302, 404, 404, 404, 404),
            check=own_notification_unread,
        )
    },
    "notifications:preferences": {
        "own": Probe(get=READERS, post=roles(LOGIN, *[(200, 302)] * 7), data={}, check=own_preferences_only)
    },
    "notifications:unsubscribe": {
        "another reader's link": Probe(target="token", get=OPEN, post=OPEN, check=unsubscribed(Kind.REPLY)),
        "a link for another kind": Probe(
            target="token_other_kind", post=OPEN, check=unsubscribed(Kind.MENTION)
        ),
        "a link used already": Probe(target="token", post=OPEN, setup=unsubscribe_first, writes_nothing=True),
        "a forged link": Probe(target="token_forged", get=everyone(400), post=everyone(400)),
        "a token signed for something else": Probe(
            target="token_other_salt", get=everyone(400), post=everyone(400)
        ),
    },
    "notifications:follow_article": {
        "open article": Probe(target="article", get=roles(LOGIN, *[405] * 7), post=roles(LOGIN, *[302] * 7)),
        "draft article": Probe(target="draft_article", post=roles(LOGIN, *[404] * 7)),
    },
    "notifications:unfollow_article": {
        "open article": Probe(target="article", get=roles(LOGIN, *[405] * 7), post=roles(LOGIN, *[302] * 7)),
    },
    "notifications:follow_thread": {
        "published": Probe(target="published", get=roles(LOGIN, *[405] * 7), post=roles(LOGIN, *[302] * 7)),
        "pending": Probe(target="pending", post=roles(LOGIN, 404, 302, 404, 404, 404, 302, 302)),
        # A hidden comment with replies is a placeholder all see, with its thread: followed like any.
        "hidden": Probe(target="hidden", post=roles(LOGIN, *[302] * 7)),
        # Moderators read spam, so they may follow its thread (its published replies are theirs to read).
        "spam": Probe(target="spam", post=roles(LOGIN, 404, 404, 404, 404, 404, 302, 302)),
        "on a draft article": Probe(target="in_draft", post=roles(LOGIN, *[404] * 7)),
    },
    "notifications:unfollow_thread": {
        "published": Probe(target="published", get=roles(LOGIN, *[405] * 7), post=roles(LOGIN, *[302] * 7)),
        "spam": Probe(target="spam", post=roles(LOGIN, 404, 404, 404, 404, 404, 302, 302)),
    },
    # accounts and privacy
    "profile": {"own": Probe(get=READERS, post=roles(LOGIN, *[(200, 302)] * 7))},
    # The export is everything the site holds about the reader: their own comments in every status (spam-held
    # and deleted ones too) and the notes of their own reports, never anyone else's.
    "profile_export": {
        "own": Probe(
            get=READERS,
            post=roles(405, *[405] * 7),
            also_reads={
                marker("spam"): frozenset({"author"}),
                marker("deleted"): frozenset({"author"}),
                marker("report"): frozenset({"other_reader"}),
            },
        )
    },
    "profile_delete": {
        "without the password": Probe(get=READERS, post=roles(LOGIN, *[400] * 7), data={"password": "wrong"}),
    },
    "privacy": {"page": Probe(get=OPEN, post=NOT_ALLOWED)},
    "set_language": {
        "own": Probe(
            get=NOT_ALLOWED,
            post=everyone(302),
            data={"language": "uk", "next": "/"},
            check=language_of_others_unchanged,
        )
    },
    # the site
    "healthz": {"health": Probe(get=everyone((200, 503)), post=NOT_ALLOWED)},
    "favicon": {"icon": Probe(get=everyone((200, 301, 302)), post=NOT_ALLOWED)},
}

# -- allauth's own URLs, as a group --------------------------------------------------------------------------
# allauth's views are allauth's, tested by allauth; the matrix asks of each only what the site relies on: no
# 500 and no error page for any role, a logged-out reader sent to log in where allauth requires an account, no
# marker in any answer, and an empty POST (a form with errors, or a redirect) that writes nothing the
# snapshot sees. Every one of allauth's URLs is named here, so a new one still fails the coverage test.
ALLAUTH_URLS = {
    "account_login": {},
    "account_logout": {},
    "account_inactive": {},
    "account_signup": {},
    "account_reauthenticate": {},
    "account_request_reauthentication_code": {},
    "account_confirm_reauthentication_code": {},
    "account_email": {},
    "account_email_verification_sent": {},
    "account_change_password": {},
    "account_set_password": {},
    "account_reset_password": {},
    "account_confirm_login_code": {},
    "account_confirm_email": {"key": "MTIz:forged-key"},
    "account_reset_password_from_key_done": {},
    "account_reset_password_from_key": {"uidb36": "1", "key": "forged-key"},
    "account_reset_password_done": {},
}
ALLAUTH_ANSWERS = (200, 302, 400, 404, 405)
TABLE |= {
    name: {
        "allauth": Probe(
            get=everyone(ALLAUTH_ANSWERS),
            post=everyone(ALLAUTH_ANSWERS),
            kwargs=lambda w, kwargs=kwargs: kwargs,
            writes_nothing=True,
        )
    }
    for name, kwargs in ALLAUTH_URLS.items()
}

# -- the admin -----------------------------------------------------------------------------------------------
# What each staff role may do with each model the admin registers: v(iew), a(dd), c(hange), d(elete), from
# the groups the migrations make (Editors, Moderators). The superuser holds every permission, except where a
# model's admin refuses everyone (ADMIN_REFUSES_EVERYONE). Readers who are not staff are sent to log in.
ADMIN_MODELS: dict[str, dict[str, str]] = {  # model → role → permissions
    "auth_group": {},
    "taggit_tag": {},
    "account_emailaddress": {},
    "accounts_user": {},
    "articles_section": {"editor": "vacd"},
    "articles_article": {"editor": "vacd"},
    "moderation_moderationaction": {"moderator": "v"},
    "moderation_report": {"moderator": "v"},
    "moderation_appeal": {"moderator": "v"},
    "moderation_suspension": {"moderator": "v"},
    # Closing after N days is the desk's and the moderators' (can_close); moderators read it.
    "moderation_discussionsettings": {"editor": "vacd", "moderator": "v"},
    "comments_comment": {"editor": "v", "moderator": "vc"},
    "spam_blockedterm": {},
    "spam_spamcheck": {},
    "spam_training": {},
    "spam_tokenstat": {},
    "spam_corpus": {},
    "notifications_notification": {},
    "notifications_subscription": {},
    "notifications_preference": {},
    "notifications_notificationjob": {},
    "notifications_emaildelivery": {},
    "notifications_emailsummary": {},
    "notifications_digest": {},
}
# What a model's admin refuses even the superuser: comments are never added there, and the records the
# site's own flows write (the audit log, reports, appeals, suspensions, the outboxes, the spam filter's
# state) are read-only, the first four not deleted either.
ADMIN_REFUSES_EVERYONE: dict[str, str] = {
    "comments_comment": "ad",  # the text changes only by a moderator's logged edit; deletes are the site's
    "moderation_moderationaction": "acd",
    "moderation_report": "acd",
    "moderation_appeal": "acd",
    "moderation_suspension": "acd",
    "notifications_digest": "ac",
    "notifications_emaildelivery": "ac",
    "notifications_emailsummary": "ac",
    "notifications_notificationjob": "ac",
    "spam_corpus": "ac",
    "spam_spamcheck": "ac",
    "spam_tokenstat": "ac",
    "spam_training": "ac",
}
STAFF = ("editor", "moderator", "superuser")


def admin_outcomes(model: str, needs: str, allowed: int = 200) -> dict[str, object]:
    """The outcome per role of an admin page that needs any of the permissions in `needs`."""
    outcomes = dict.fromkeys(ROLES, LOGIN)
    for role in STAFF:
        held = "vacd" if role == "superuser" else ADMIN_MODELS[model].get(role, "")
        held = "".join(p for p in held if p not in ADMIN_REFUSES_EVERYONE.get(model, ""))
        outcomes[role] = allowed if set(needs) & set(held) else 403
    return outcomes


def admin_object(model: str):
    return lambda w: {"object_id": w.admin_objects[model].pk}


for model in ADMIN_MODELS:
    TABLE[f"admin:{model}_changelist"] = {
        "list": Probe(get=admin_outcomes(model, "vc"), post=admin_outcomes(model, "vc")),
    }
    TABLE[f"admin:{model}_add"] = {
        "form": Probe(get=admin_outcomes(model, "a"), post=admin_outcomes(model, "a"))
    }
    TABLE[f"admin:{model}_change"] = {
        "object": Probe(
            get=admin_outcomes(model, "vc"), post=admin_outcomes(model, "c"), kwargs=admin_object(model)
        )
    }
    TABLE[f"admin:{model}_delete"] = {
        "object": Probe(
            get=admin_outcomes(model, "d"), post=admin_outcomes(model, "d"), kwargs=admin_object(model)
        )
    }
    TABLE[f"admin:{model}_history"] = {
        "object": Probe(
            get=admin_outcomes(model, "vc"), post=admin_outcomes(model, "vc"), kwargs=admin_object(model)
        )
    }
    app_label, _, model_name = model.partition("_")
    TABLE[f"admin/{app_label}/{model_name}/<path:object_id>/"] = {
        # Django's redirect to the change page, for any staff account; the change page then decides.
        "object": Probe(get=roles(*[LOGIN] * 5, 302, 302, 302), kwargs=admin_object(model))
    }
TABLE["admin:comments_comment_changelist"]["search for the markers"] = Probe(
    get=admin_outcomes("comments_comment", "vc"), query="q=LEAK-&all="
)
# The comments admin shows moderators a deleted comment's stored text, which the site's pages show nobody.
# Only the fixture has any: posting.delete_comment empties the body of a comment it keeps as a placeholder,
# and the importers store nothing of a deleted post (tests/comments/test_posting.py, test_import_*.py).
for probe_key in ("admin:comments_comment_changelist", "admin:comments_comment_change"):
    for variant, probe in TABLE[probe_key].items():
        TABLE[probe_key][variant] = replace(probe, also_reads={marker("deleted"): frozenset({"moderator"})})
STAFF_PAGE = roles(LOGIN, *[LOGIN] * 4, 200, 200, 200)
TABLE |= {
    "admin:index": {"index": Probe(get=STAFF_PAGE, post=STAFF_PAGE)},
    "admin:login": {
        # allauth's secure_admin_login: logged out, to the site's login; a reader who is not staff, 403.
        "login": Probe(
            get=roles(LOGIN, *[403] * 4, 302, 302, 302),
            post=roles(LOGIN, *[403] * 4, 200, 200, 200),  # staff: the form again, with its errors
        )
    },
    "admin:logout": {
        "logout": Probe(
            # Not staff: sent away before anything happens (not to the login page).
            get=roles(*[302] * 5, 405, 405, 405),
            post=roles(*[302] * 5, 200, 200, 200),
        )
    },
    "admin:password_change": {"own": Probe(get=STAFF_PAGE, post=STAFF_PAGE)},
    "admin:password_change_done": {"own": Probe(get=STAFF_PAGE)},
    "admin:autocomplete": {"no field": Probe(get=roles(LOGIN, *[LOGIN] * 4, 403, 403, 403))},
    "admin:jsi18n": {"catalogue": Probe(get=STAFF_PAGE)},
    "admin:view_on_site": {
        "hidden comment": Probe(
            get=roles(LOGIN, *[LOGIN] * 4, 302, 302, 302),
            kwargs=lambda w: {"content_type_id": w.comment_type.pk, "object_id": w.hidden.pk},
        )
    },
    "admin:app_list": {
        "comments": Probe(get=STAFF_PAGE, kwargs=lambda w: {"app_label": "comments"}),
        "moderation": Probe(
            get=roles(LOGIN, *[LOGIN] * 4, 200, 200, 200), kwargs=lambda w: {"app_label": "moderation"}
        ),
        "spam": Probe(get=roles(LOGIN, *[LOGIN] * 4, 404, 404, 200), kwargs=lambda w: {"app_label": "spam"}),
    },
    "admin/(?P<url>.*)$": {
        "nothing there": Probe(
            get=roles(LOGIN, *[LOGIN] * 4, 404, 404, 404), kwargs=lambda w: {"url": "nothing-here/"}
        )
    },
    "admin:taggit_tag_merge_tags": {
        # taggit's merge page checked no permission (articles/admin.py: SiteTagAdmin); a merge of nothing
        # goes back to the list.
        "merge": Probe(
            get=roles(LOGIN, *[LOGIN] * 4, 403, 403, 200),
            post=roles(LOGIN, *[LOGIN] * 4, 403, 403, 302),
            data={"new_tag_name": "merged"},
        )
    },
    "admin:auth_user_password_change": {
        "another reader": Probe(
            get=roles(LOGIN, *[LOGIN] * 4, 403, 403, 200),
            post=roles(LOGIN, *[LOGIN] * 4, 403, 403, 200),
            kwargs=lambda w: {"id": w.other_reader.pk},
        )
    },
}


# -- the resolver --------------------------------------------------------------------------------------------
def resolver_routes(patterns=None, prefix: str = "", namespace: str = "") -> dict[str, tuple[str, object]]:
    """Every route of the site: its key (namespaced name, or the route itself when unnamed) → (route,
    pattern)."""
    routes = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes.update(resolver_routes(pattern.url_patterns, route, inner))
        elif isinstance(pattern, URLPattern):
            key = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            routes[key or route] = (route, pattern)
    return routes


# -- the world -----------------------------------------------------------------------------------------------
def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.reader = UserFactory(username="matrix-reader")
    w.author = UserFactory(username="matrix-author")
    w.other_reader = UserFactory(username="matrix-other")
    w.suspended = UserFactory(username="matrix-suspended")
    w.editor = EditorFactory(username="matrix-editor")
    w.moderator = ModeratorFactory(username="matrix-moderator")
    w.superuser = UserFactory(username="matrix-root", is_staff=True, is_superuser=True)
    w.suspension = Suspension.objects.create(user=w.suspended, reason="Trolling.", created_by=w.moderator)

    w.article = ArticleFactory(author=w.editor, slug="matrix-open")
    w.closed_article = ArticleFactory(author=w.editor, slug="matrix-closed", comments_open=False)
    w.draft_article = ArticleFactory(author=w.editor, slug="matrix-draft", status=Article.Status.DRAFT)

    w.published = CommentFactory(article=w.article, author=w.author, body="The author's published view.")
    w.reply = CommentFactory(parent=w.published, author=w.other_reader, body="Another reader answers.")
    for status in ("pending", "hidden", "spam", "deleted"):
        withheld = CommentFactory(article=w.article, author=w.author, body=marker(status), status=status)
        CommentFactory(parent=withheld, author=w.other_reader, body=f"A reply below the {status} comment.")
        setattr(w, status, withheld)
    w.locked = CommentFactory(article=w.article, author=w.author, body="Locked thread.", replies_locked=True)
    w.in_closed = CommentFactory(article=w.closed_article, author=w.author, body="On a closed article.")
    w.in_draft = CommentFactory(article=w.draft_article, author=w.author, body="On a draft article.")

    w.notification = Notification.objects.create(
        recipient=w.other_reader, kind=Kind.HIDDEN, comment=w.reply, reason=marker("inbox")
    )
    w.report = Report.objects.create(
        comment=w.published, reporter=w.other_reader, reason="abuse", note=marker("report"), weight=1.0
    )
    w.appeal = Appeal.objects.create(comment=w.hidden, author=w.author, text=marker("appeal"))
    following.set_following_thread(w.other_reader, w.published, True)

    # Unsubscribe tokens of another reader: a real one (the link works without logging in, by design), one
    # for another kind, a forged one, and one signed for another purpose.
    w.token = emails.unsubscribe_token(w.other_reader.pk, Kind.REPLY)
    w.token_other_kind = emails.unsubscribe_token(w.other_reader.pk, Kind.MENTION)
    w.token_forged = w.token[:-4] + ("AAAA" if not w.token.endswith("AAAA") else "BBBB")
    w.token_other_salt = signing.dumps({"u": w.other_reader.pk, "s": Kind.REPLY}, salt="not-unsubscribe")

    w.comment_type = ContentType.objects.get_for_model(Comment)
    w.section = w.article.section
    w.article.tags.add("matrix-tag")
    w.tag = w.article.tags.get()
    w.editors = Group.objects.get(name="Editors")
    w.admin_objects = admin_objects(w)
    w.sessions = {}
    for role in LOGGED_IN:
        client = Client()
        client.force_login(getattr(w, role))
        w.sessions[role] = client.cookies["sessionid"].value
    return w


def admin_objects(w: SimpleNamespace) -> dict[str, object]:
    """One object of each model the admin edits, for its change, delete and history pages."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from forum.moderation.models import DiscussionSettings
    from forum.notifications.models import Digest, EmailDelivery, EmailSummary, NotificationJob
    from forum.spam.models import BlockedTerm, Corpus, SpamCheck, TokenStat, Training

    return {
        "auth_group": w.editors,
        "taggit_tag": w.tag,
        "account_emailaddress": EmailAddress.objects.get(user=w.other_reader),
        "accounts_user": w.other_reader,
        "articles_section": w.section,
        "articles_article": w.article,
        "moderation_moderationaction": ModerationAction.record(
            ModerationAction.Kind.HIDE, actor=w.moderator, comment=w.hidden
        ),
        "moderation_report": w.report,
        "moderation_appeal": w.appeal,
        "moderation_suspension": w.suspension,
        "moderation_discussionsettings": DiscussionSettings.objects.create(
            article=w.article, close_after_days=9
        ),
        "comments_comment": w.hidden,
        "spam_blockedterm": BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="matrixterm"),
        "spam_spamcheck": SpamCheck.objects.create(comment=w.spam, key=f"{w.spam.pk}:1"),
        "spam_training": Training.objects.create(comment=w.spam, label=Training.Label.SPAM),
        "spam_tokenstat": TokenStat.objects.create(token="matrixtoken", spam=1),
        "spam_corpus": Corpus.objects.get_or_create()[0],
        "notifications_notification": w.notification,
        "notifications_subscription": Subscription.objects.get(user=w.other_reader),
        "notifications_preference": Preference.objects.create(
            user=w.other_reader, kind=Kind.THREAD, email="off"
        ),
        "notifications_notificationjob": NotificationJob.objects.create(comment=w.reply, event="published"),
        "notifications_emaildelivery": EmailDelivery.objects.create(notification=w.notification),
        "notifications_emailsummary": EmailSummary.objects.create(
            recipient=w.other_reader, stream="moderation"
        ),
        "notifications_digest": Digest.objects.create(recipient=w.other_reader, day=timezone.localdate()),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction that is never committed; each test's own transaction is a
    savepoint inside it, so what a request writes is undone after the test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# -- requests ------------------------------------------------------------------------------------------------
PARAMETER = r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>"


def url_for(key: str, probe: Probe, w: SimpleNamespace) -> str:
    import re

    route, _pattern = resolver_routes()[key]
    target = getattr(w, probe.target) if probe.target else None
    if probe.kwargs is not None:
        kwargs = probe.kwargs(w)
    else:
        kwargs = {}
        for match in re.finditer(PARAMETER, route):
            name = match.group(1) or match.group(2)
            if name == "slug":
                kwargs[name] = target.article.slug if isinstance(target, Comment) else target.slug
            elif name == "username":
                kwargs[name] = target.username
            elif name in ("pk", "id", "object_id"):
                kwargs[name] = target.pk
            else:
                kwargs[name] = target
    if key == route:  # an unnamed route: fill its parameters in
        path = "/" + re.sub(PARAMETER, lambda m: str(kwargs[m.group(1) or m.group(2)]), route)
        path = path.replace("^", "").replace("$", "")
    else:
        path = reverse(key, kwargs=kwargs)
    query = probe.query(w) if callable(probe.query) else probe.query
    return f"{path}?{query}" if query else path


def request(client: Client, method: str, url: str, probe: Probe, w: SimpleNamespace):
    from urllib.parse import urlencode

    headers = {"HX-Request": "true"} if probe.htmx else {}
    data = probe.data(w) if callable(probe.data) else probe.data
    if method == "GET":
        return client.get(url, headers=headers)
    if method == "POST":
        return client.post(url, data, headers=headers)
    send = client.put if method == "PUT" else client.delete
    return send(url, urlencode(data), content_type="application/x-www-form-urlencoded", headers=headers)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    path = urlsplit(response["Location"]).path
    return path in (reverse("account_login"), reverse("admin:login"))


def outcome_of(response) -> object:
    return LOGIN if is_login_redirect(response) else response.status_code


def matches(response, expected) -> bool:
    status = response.status_code
    if expected == LOGIN:
        return is_login_redirect(response)
    if expected == REFUSED:
        return is_login_redirect(response) or status in (403, 404, 405)
    if isinstance(expected, tuple):
        return status in expected
    return status == expected


def snapshot() -> dict:
    """What a refused write must leave as it was: every model the admin edits, counted, and the fields the
    site's own views write."""
    from django.contrib import admin
    from django.contrib.admin.models import LogEntry

    counts = {model._meta.label: model._default_manager.count() for model in admin.site._registry}
    counts["admin.LogEntry"] = LogEntry.objects.count()
    return {
        "counts": counts,
        "comments": list(
            Comment.objects.order_by("pk").values_list(
                "pk", "status", "body", "replies_locked", "score", "edited_at", "author_id"
            )
        ),
        "articles": list(
            Article.objects.order_by("pk").values_list("pk", "status", "comments_open", "title")
        ),
        "votes": list(Vote.objects.order_by("pk").values_list("comment_id", "user_id")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "status")),
        "appeals": list(Appeal.objects.order_by("pk").values_list("pk", "status")),
        "follows": list(
            Subscription.objects.order_by("pk").values_list("user_id", "article_id", "thread_id", "active")
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "preferences": list(Preference.objects.order_by("pk").values_list("user_id", "kind", "email")),
        "suspensions": list(Suspension.objects.order_by("pk").values_list("pk", "lifted_at")),
        "log": ModerationAction.objects.count(),
        "users": list(
            User.objects.order_by("pk").values_list("pk", "is_active", "display_name", "language", "email")
        ),
        "permissions": Permission.objects.count(),
    }


def cases():
    for key, probes in TABLE.items():
        for variant, probe in probes.items():
            for method in probe.outcomes():
                yield pytest.param(key, variant, method, id=f"{method} {key} [{variant}]")


# -- the tests -----------------------------------------------------------------------------------------------
def test_the_table_covers_every_url():
    routes = set(resolver_routes())

    assert sorted(routes - set(TABLE)) == [], "URLs of the resolver missing from TABLE"
    assert sorted(set(TABLE) - routes) == [], "TABLE entries for URLs that no longer exist"


@pytest.mark.parametrize(("key", "variant", "method"), list(cases()))
def test_access(world, key, variant, method):
    """Each role in turn, each in a savepoint rolled back after its request; the failure lists every role
    whose answer differs from the table's, or that read or wrote what it must not."""
    probe = TABLE[key][variant]
    failures = []
    for role in ROLES:
        try:
            with transaction.atomic():
                failure = probe_as(world, key, probe, method, role)
                transaction.set_rollback(True)
        except AssertionError as error:
            failure = str(error)
        if failure:
            failures.append(f"{method} {key} [{variant}] as {role}: {failure}")
    assert not failures, "\n".join(failures)


def probe_as(w: SimpleNamespace, key: str, probe: Probe, method: str, role: str) -> str:
    """What is wrong with the answer to one role's request ("" when nothing is)."""
    expected = probe.outcomes()[method][role]
    client = Client()
    if role != "anonymous":
        client.cookies["sessionid"] = w.sessions[role]
    if probe.setup is not None:
        probe.setup(w)
    url = url_for(key, probe, w)
    writes = method != "GET"
    before = snapshot() if writes else None

    response = request(client, method, url, probe, w)

    if not matches(response, expected):
        return f"{url} answered {outcome_of(response)}, not {expected}"
    body = body_of(response)
    leaked = sorted(
        m
        for m, readers in MARKERS.items()
        if role not in readers | probe.also_reads.get(m, set()) and m in body
    )
    if leaked:
        return f"{url} shows {leaked}"
    refused = response.status_code >= 400 or is_login_redirect(response)
    if writes and (probe.writes_nothing or refused) and snapshot() != before:
        return f"{url} answered {outcome_of(response)} and changed the database"
    if probe.check is not None:
        probe.check(w, role, method, response)
    return ""
