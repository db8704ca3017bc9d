"""Who reads a comment's text, on every page, fragment and e-mail that shows comment text.

The matrix: {anonymous, another reader, the author, a moderator} × every status × {written by an account,
imported without one, written by an account that was later deleted}. For the two cases without an account,
"the author" is a reader who signed up under the comment's name: a name is not an account, and a comment
without an author is nobody's.

Each case builds one thread: a published root, the comment under test below it, and a published reply below
that, so that a withheld comment still shows as a placeholder that keeps its reply (the harder case for the
rule). The comment's text and its author's name carry markers, and each surface is asked whether they
appear.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.comments.models import Comment
from forum.notifications import delivery
from forum.notifications.models import Digest, EmailDelivery, EmailMode, Kind, Notification
from tests.factories import ArticleFactory, CommentFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Comment.Status
ROLES = ("anonymous", "other_reader", "author", "moderator")
AUTHORSHIPS = ("account", "imported", "deleted_account")
TEXT = "Zanzibar-marker-text"
AUTHOR_NAME = "Quillon"


def may_read(role: str, status: str, authorship: str) -> bool:
    """The rule, written out independently of the code: published text is everyone's; deleted text is
    nobody's; moderators read the rest; an author reads their own pending and hidden comments."""
    if status == Status.PUBLISHED:
        return True
    if status == Status.DELETED:
        return False
    if role == "moderator":
        return True
    return role == "author" and authorship == "account" and status in (Status.PENDING, Status.HIDDEN)


def build_case(status: str, authorship: str):
    """The thread of the case, and the viewer for "the author"."""
    carol = UserFactory(username="carol")
    article = ArticleFactory()
    earlier = timezone.now() - timedelta(minutes=30)
    CommentFactory(article=article, author=carol, created_at=earlier - timedelta(minutes=1))  # page 1 of 2
    root = CommentFactory(article=article, author=carol, created_at=earlier)
    if authorship == "account":
        author = UserFactory(username="quillon", display_name=AUTHOR_NAME)
        comment = CommentFactory(parent=root, author=author, body=TEXT, status=status)
    elif authorship == "imported":
        comment = CommentFactory(
            parent=root,
            author=None,
            author_name=AUTHOR_NAME,
            body=TEXT,
            status=status,
            import_source="disqus",
        )
        author = UserFactory(username="quillon", display_name=AUTHOR_NAME)  # signed up later, same name
    else:
        gone = UserFactory(username="quillon", display_name=AUTHOR_NAME)
        comment = CommentFactory(parent=root, author=gone, body=TEXT, status=status)
        gone.delete()  # the comment stays, with author SET_NULL
        comment.refresh_from_db()
        assert comment.author_id is None
        author = UserFactory(username="quillon2", display_name=AUTHOR_NAME)  # a new account, same name
    reply = CommentFactory(parent=comment, author=carol, body="Carol answers.")
    return article, root, comment, reply, author


def viewer_for(role: str, author):
    return {
        "anonymous": lambda: None,
        "other_reader": lambda: UserFactory(username="bob"),
        "author": lambda: author,
        "moderator": lambda: ModeratorFactory(username="charlie"),
    }[role]()


def pages(client, article, root, comment, reply, settings) -> dict[str, tuple[int, str]]:
    """Every web surface that shows comment text: (status code, HTML)."""
    htmx = {"HX-Request": "true"}
    base = f"/articles/{article.slug}/comments/"

    def get(url, **kwargs):
        response = client.get(url, **kwargs)
        return response.status_code, response.content.decode()

    answers = {
        "article page": get(article.get_absolute_url()),
        "permalink": get(comment.get_absolute_url()),
        "permalink of its reply": get(reply.get_absolute_url()),
        "continue this thread": get(f"{base}{root.pk}/thread/", headers=htmx),
        "report form": get(f"/moderation/comments/{comment.pk}/report/form/"),
        "appeal form": get(f"/moderation/comments/{comment.pk}/appeal/form/"),
        "feed": get("/articles/feed/"),
    }
    # The thread fragment answers an htmx write: here, a reply posted to the thread's root.
    response = client.post(base, {"body": "Another answer.", "parent": root.pk}, headers=htmx)
    answers["thread fragment"] = response.status_code, response.content.decode()
    # "Load more": one thread per page, and the case's thread comes second.
    settings.COMMENTS_THREADS_PER_PAGE = 1
    answers["load more"] = get(f"{base}threads/?page=2", headers=htmx)
    return answers


def expected_pages(role: str, status: str, authorship: str) -> dict[str, tuple[int, bool]]:
    """Each surface's status code, and whether the text shows there."""
    readable = may_read(role, status, authorship)
    logged_in = role != "anonymous"
    own = role == "author" and authorship == "account"
    report = 302 if not logged_in else 403 if own else 200
    appeal = 302 if not logged_in else 200 if own else 403
    return {
        "article page": (200, readable),
        "permalink": (200, readable),
        # The trail of ancestors quotes published comments only.
        "permalink of its reply": (200, status == Status.PUBLISHED),
        "continue this thread": (200, readable),
        "report form": (report, readable and report == 200),
        "appeal form": (appeal, readable and appeal == 200),
        "feed": (200, False),  # the feed carries articles, never comments
        "thread fragment": (201 if logged_in else 302, readable and logged_in),
        "load more": (200, readable),
    }


@pytest.mark.parametrize("authorship", AUTHORSHIPS)
@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("role", ROLES)
def test_each_page_shows_the_text_exactly_to_those_who_may_read_it(
    client, settings, role, status, authorship
):
    article, root, comment, reply, author = build_case(status, authorship)
    viewer = viewer_for(role, author)
    if viewer is not None:
        client.force_login(viewer)

    answers = pages(client, article, root, comment, reply, settings)

    shown = {surface: (code, TEXT in html) for surface, (code, html) in answers.items()}
    assert shown == expected_pages(role, status, authorship)
    if role != "author":  # the author's own pages show their name in the header
        # Where the text is withheld, so is the author's name (a placeholder says "Hidden" or "Deleted").
        named = {surface for surface, (_code, html) in answers.items() if AUTHOR_NAME in html}
        assert named <= {surface for surface, (_code, text_shown) in shown.items() if text_shown}


KINDS = (Kind.REPLY, Kind.HIDDEN, Kind.REPORT)  # about a new public comment, to its author, to moderators


def emails(recipient, comment) -> dict[str, bool]:
    """For each kind, whether the e-mail sent now (on its own, and in a digest) quotes the text."""
    from django.core import mail

    quoted = {}
    for kind in KINDS:
        for mode in (EmailMode.IMMEDIATE, EmailMode.DIGEST):
            mail.outbox = []
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, comment=comment, email=mode
            )
            if mode == EmailMode.IMMEDIATE:
                delivery.send_notification_email(EmailDelivery.objects.create(notification=notification))
            else:
                digest = Digest.objects.create(recipient=recipient, day=timezone.localdate())
                Notification.objects.filter(pk=notification.pk).update(digest=digest)
                delivery.send_digest(digest)
            sent = "".join(m.body + "".join(part for part, _type in m.alternatives) for m in mail.outbox)
            quoted[f"{kind} {mode}"] = TEXT in sent
            Notification.objects.filter(pk=notification.pk).delete()
            Digest.objects.all().delete()
    return quoted


@pytest.mark.parametrize("authorship", AUTHORSHIPS)
@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("role", ("other_reader", "author", "moderator"))
def test_notification_emails_quote_the_text_only_to_those_who_may_read_it(mailbox, role, status, authorship):
    _article, _root, comment, _reply, author = build_case(status, authorship)
    recipient = viewer_for(role, author)

    quoted = emails(recipient, Comment.objects.get(pk=comment.pk))

    readable = may_read(role, status, authorship)
    assert quoted == {
        # A notification about a new public comment is sent only while the comment is public.
        f"{kind} {mode}": readable and (kind != Kind.REPLY or status == Status.PUBLISHED)
        for kind in KINDS
        for mode in (EmailMode.IMMEDIATE, EmailMode.DIGEST)
    }


# -- the rule's two forms ------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_the_queryset_and_the_model_apply_the_same_rule(role):
    from django.contrib.auth.models import AnonymousUser

    article = ArticleFactory()
    author = UserFactory(username="quillon", display_name=AUTHOR_NAME)
    gone = UserFactory(username="gone")
    cases = {}
    for status in Status.values:
        cases[status, "account"] = CommentFactory(article=article, author=author, status=status)
        cases[status, "imported"] = CommentFactory(
            article=article, author=None, author_name="Quillon", status=status
        )
        cases[status, "deleted_account"] = CommentFactory(article=article, author=gone, status=status)
    gone.delete()
    viewer = viewer_for(role, author) or AnonymousUser()
    loaded = {c.pk: c for c in Comment.objects.filter(article=article)}

    listed_in_sql = set(
        Comment.objects.filter(article=article).visible_to(viewer).values_list("pk", flat=True)
    )
    listed_in_python = {pk for pk, c in loaded.items() if c.is_visible_to(viewer)}
    readable = {key for key, c in cases.items() if loaded[c.pk].is_readable_by(viewer)}

    assert listed_in_sql == listed_in_python
    assert readable == {
        (status, authorship) for status, authorship in cases if may_read(role, status, authorship)
    }


# -- a reply to a withheld comment --------------------------------------------------------------------------
@pytest.mark.parametrize("htmx", [False, True], ids=["plain form", "htmx"])
@pytest.mark.parametrize("authorship", ("account", "imported"))
@pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.SPAM, Status.DELETED])
def test_a_reply_to_a_withheld_comment_is_refused_without_naming_it(client, status, authorship, htmx):
    article = ArticleFactory()
    if authorship == "account":
        parent = CommentFactory(
            article=article, author=UserFactory(display_name=AUTHOR_NAME), body=TEXT, status=status
        )
    else:
        parent = CommentFactory(
            article=article, author=None, author_name=AUTHOR_NAME, body=TEXT, status=status
        )
    client.force_login(UserFactory(username="bob"))

    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "My answer.", "parent": parent.pk},
        headers={"HX-Request": "true"} if htmx else {},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "That comment can no longer be answered." in html
    assert TEXT not in html
    assert AUTHOR_NAME not in html
    assert not Comment.objects.filter(body="My answer.").exists()


def test_a_reply_to_ones_own_pending_comment_may_name_it(client):
    """The rule, not a blanket: a reader who may read the parent sees it named on the error page."""
    author = UserFactory(display_name=AUTHOR_NAME)
    parent = CommentFactory(author=author, body=TEXT, status=Status.PENDING)
    client.force_login(author)

    response = client.post(
        f"/articles/{parent.article.slug}/comments/", {"body": "More.", "parent": parent.pk}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "That comment can no longer be answered." in html
    assert f"Comment by {AUTHOR_NAME} on" in html
    assert TEXT in html
