"""forum/accounts/personal_data.py and its views: a reader downloads their data, and deletes their account
without leaving any of it behind."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client

from forum.accounts.models import User
from forum.accounts.personal_data import delete_account
from forum.comments import posting
from forum.comments.integrity import check_tree
from forum.comments.models import DELETED_ACCOUNT_NAME, Comment
from forum.lib.privacy import hash_ip
from forum.moderation import appeals, reports, services, suspensions
from forum.moderation.models import ModerationAction
from forum.notifications.following import set_following_thread
from forum.notifications.models import Notification, Preference
from forum.spam.models import SpamCheck
from tests.factories import PASSWORD, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ROOT_TEXT = "Zucchini harvests in Poltava were early this year."
LEAF_TEXT = "Quokka sightings are rarely reported by local papers."
REPLY_TEXT = "Marmalade prices tell the whole story, frankly."
APPEAL_TEXT = "My quokka remark was a joke about the newspaper, not a slur."
REPORT_NOTE = "This reads like a paid advertisement for vacuum cleaners."
REVISED_TEXT = "Marmalade prices tell the whole story [a moderator removed a name]."


@pytest.fixture
def olena(db):
    user = UserFactory(username="olena_k", email="olena.k@example.net", display_name="Olena Kovalenko")
    EmailAddress.objects.create(user=user, email="olena.work@example.org", verified=False, primary=False)
    return user


@pytest.fixture
def world(olena, other_reader, article, mailbox, django_capture_on_commit_callbacks, settings):
    """Everything a reader leaves on the site: comments (one with a reply, one hidden and appealed, one a
    reply that a moderator edited in the admin), spam-check context, votes both ways, a follow, a notification
    and a preference, a report, a suspension, entries in the moderation log (one with the edited texts) and
    the admin's log (about the account, and about the edited comment), and a second logged-in session."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.NOTIFICATIONS_EMAIL_DELAY = 0
    moderator = ModeratorFactory(username="mod_mo", display_name="Mo Moderator")
    context = {"ip_hash": hash_ip(ADDRESS), "browser": "Firefox", "seconds_to_submit": 20.0}
    with django_capture_on_commit_callbacks(execute=True):
        root = posting.post_comment(article=article, author=olena, body=ROOT_TEXT, context=context)
        answer = posting.post_comment(article=article, author=other_reader, body="Not here.", parent=root)
        leaf = posting.post_comment(article=article, author=olena, body=LEAF_TEXT, context=context)
        others = posting.post_comment(article=article, author=other_reader, body="Bob's own thread.")
        reply = posting.post_comment(article=article, author=olena, body=REPLY_TEXT, parent=others)
        posting.toggle_vote(comment=others, user=olena)
        posting.toggle_vote(comment=root, user=other_reader)
        set_following_thread(olena, root, True)
        Preference.objects.set_mode(olena, "reply", "digest")
        reports.report(comment=answer, reporter=olena, reason="spam", note=REPORT_NOTE)
        services.hide(comment=leaf, actor=moderator, reason="abuse")
        appeals.appeal(comment=leaf, author=olena, text=APPEAL_TEXT)
        suspensions.suspend(user=olena, duration="7", reason="Repeated abuse", actor=moderator)
        moderators_browser = Client()
        moderators_browser.force_login(moderator)
        edited = moderators_browser.post(
            f"/admin/comments/comment/{reply.pk}/change/", {"body": REVISED_TEXT}
        )
        assert edited.status_code == 302
    LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(olena.pk),
        object_repr=str(olena),
        action_flag=CHANGE,
        change_message="[]",
    )
    other_browser = Client()
    other_browser.force_login(olena)
    return {"root": root, "answer": answer, "leaf": leaf, "others": others, "reply": reply}


def personal_data_left(*needles: str) -> list[tuple[str, str, str]]:
    """Every text, character or JSON field of every row of every model that contains one of the needles."""
    needles = tuple(needle.lower() for needle in needles)
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*(field.attname for field in fields)):
            for field, value in zip(fields, row, strict=True):
                text = (
                    json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                ).lower()
                found += [(model._meta.label, field.name, needle) for needle in needles if needle in text]
    return found


def olenas_data(olena) -> tuple[str, ...]:
    return (
        olena.username,
        olena.email,
        "olena.work@example.org",
        olena.display_name,
        ROOT_TEXT,
        LEAF_TEXT,
        REPLY_TEXT,
        REVISED_TEXT,
        APPEAL_TEXT,
        REPORT_NOTE,
        hash_ip(ADDRESS),
    )


def test_the_database_scan_finds_the_data_before_deletion(olena, world):
    found = {(label, needle) for label, _field, needle in personal_data_left(*olenas_data(olena))}

    assert ("accounts.User", "olena_k") in found
    assert ("account.EmailAddress", "olena.work@example.org") in found
    assert ("comments.Comment", ROOT_TEXT.lower()) in found
    assert ("spam.SpamCheck", hash_ip(ADDRESS)) in found
    assert ("moderation.ModerationAction", APPEAL_TEXT.lower()) in found
    assert ("moderation.ModerationAction", REPLY_TEXT.lower()) in found  # the text before the edit
    assert ("moderation.ModerationAction", REVISED_TEXT.lower()) in found
    assert ("moderation.Report", REPORT_NOTE.lower()) in found
    assert ("admin.LogEntry", "olena kovalenko") in found


def test_export_holds_everything_the_site_keeps_about_the_reader(client, olena, world):
    client.force_login(olena)

    response = client.get("/accounts/profile/export/")

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="tribune-data-{olena.pk}-')
    assert (data["account"]["username"], data["account"]["email"]) == ("olena_k", "olena.k@example.net")
    assert data["account"]["display_name"] == "Olena Kovalenko"
    assert "password" not in data["account"]
    assert sorted(a["email"] for a in data["email_addresses"]) == [
        "olena.k@example.net",
        "olena.work@example.org",
    ]
    assert [c["text"] for c in data["comments"]] == [ROOT_TEXT, LEAF_TEXT, REVISED_TEXT]
    assert [v["comment"] for v in data["votes"]] == [world["others"].pk]
    assert [f["thread"] for f in data["follows"]] == [world["root"].pk]
    assert {n["kind"] for n in data["notifications"]} >= {"reply"}
    assert data["notification_preferences"]["reply"] == "digest"
    assert [(r["comment"], r["note"]) for r in data["reports_filed"]] == [(world["answer"].pk, REPORT_NOTE)]
    assert [a["text"] for a in data["appeals"]] == [APPEAL_TEXT]
    assert [s["reason"] for s in data["suspensions"]] == ["Repeated abuse"]
    assert {a["kind"] for a in data["moderation_actions_concerning_you"]} >= {"hide", "suspend", "edit"}
    assert [
        (a["text_before"], a["text_after"])
        for a in data["moderation_actions_concerning_you"]
        if a["kind"] == "edit"
    ] == [(REPLY_TEXT, REVISED_TEXT)]
    assert {c["context"].get("ip_hash") for c in data["spam_checks"]} == {hash_ip(ADDRESS), None}


def test_export_holds_nothing_of_other_readers(client, olena, other_reader, world):
    client.force_login(olena)

    body = client.get("/accounts/profile/export/").content.decode()

    assert "Bob's own thread." not in body
    assert other_reader.email not in body


def test_export_needs_a_login(client):
    response = client.get("/accounts/profile/export/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/accounts/profile/export/",
    )


def test_export_answers_only_get(client, olena):
    client.force_login(olena)

    assert client.post("/accounts/profile/export/").status_code == 405


def test_profile_links_to_the_export_and_the_deletion(client, olena):
    client.force_login(olena)

    html = client.get("/accounts/profile/").content.decode()

    assert 'href="/accounts/profile/export/"' in html
    assert 'href="/accounts/profile/delete/"' in html


def test_deletion_page_asks_for_the_password(client, olena):
    client.force_login(olena)

    response = client.get("/accounts/profile/delete/")

    html = response.content.decode()
    assert 'type="password"' in html and 'name="password"' in html
    assert User.objects.filter(pk=olena.pk).exists()


def test_deletion_with_a_wrong_password_is_refused_and_keeps_everything(client, olena, world):
    client.force_login(olena)

    response = client.post("/accounts/profile/delete/", {"password": "not my password"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"password": ["That is not your password."]}
    assert Comment.objects.get(pk=world["root"].pk).body == ROOT_TEXT
    assert User.objects.filter(pk=olena.pk).exists()


def test_deletion_needs_a_login(client):
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_deletion_answers_only_get_and_post(client, olena):
    client.force_login(olena)

    assert client.put("/accounts/profile/delete/").status_code == 405


def test_deleted_account_leaves_none_of_its_data_anywhere(client, olena, world, other_reader):
    client.force_login(olena)
    olena_id, needles = olena.pk, olenas_data(olena)

    response = client.post("/accounts/profile/delete/", {"password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=olena_id).exists()
    assert personal_data_left(*needles) == []
    assert [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(olena_id)] == []
    assert not Notification.objects.filter(recipient_id=olena_id).exists()
    assert Comment.objects.get(pk=world["others"].pk).body == "Bob's own thread."


def test_deleted_accounts_comments_stay_in_the_tree_without_text(olena, world, article):
    delete_account(olena)

    for name in ("root", "leaf", "reply"):
        comment = Comment.objects.get(pk=world[name].pk)
        assert (comment.author_id, comment.author_name, comment.body, comment.body_html, comment.status) == (
            None,
            DELETED_ACCOUNT_NAME,
            "",
            "",
            Comment.Status.DELETED,
        )
    assert Comment.objects.get(pk=world["answer"].pk).parent_id == world["root"].pk
    for tree_id in set(Comment.objects.values_list("tree_id", flat=True)):
        rows = list(
            Comment.objects.filter(tree_id=tree_id).values_list("pk", "parent_id", "lft", "rght", "level")
        )
        assert check_tree(rows, tree_id) == []
    article.refresh_from_db()
    assert article.comment_count == 2  # Bob's thread and Bob's answer


def test_the_page_shows_deleted_account_where_they_wrote(client, olena, world, article):
    delete_account(olena)

    html = client.get(article.get_absolute_url()).content.decode()

    assert html.count("[deleted account]") == 3
    assert ROOT_TEXT not in html and "Olena" not in html
    assert "Not here." in html


def test_withdrawn_votes_leave_scores_consistent(olena, world):
    delete_account(olena)

    others, root = Comment.objects.get(pk=world["others"].pk), Comment.objects.get(pk=world["root"].pk)
    assert (others.score, others.votes.count()) == (0, 0)
    assert (root.score, root.votes.count()) == (1, 1)  # Bob's vote for her comment stays


def test_moderation_log_keeps_its_entries_without_the_name(olena, world):
    entries = ModerationAction.objects.count()

    delete_account(olena)

    assert ModerationAction.objects.count() == entries
    names = set(ModerationAction.objects.values_list("target_name", flat=True))
    assert "olena_k" not in names and DELETED_ACCOUNT_NAME in names
    appeal = ModerationAction.objects.get(kind=ModerationAction.Kind.APPEAL)
    assert (appeal.actor_name, appeal.note) == (DELETED_ACCOUNT_NAME, "")
    hide = ModerationAction.objects.get(kind=ModerationAction.Kind.HIDE)
    assert (hide.actor_name, hide.reason) == ("mod_mo", "abuse")


def test_the_setting_keeps_the_text_anonymised(olena, world, settings):
    settings.ACCOUNT_DELETION_KEEPS_TEXT = True
    needles = [n for n in olenas_data(olena) if n not in (ROOT_TEXT, LEAF_TEXT, REVISED_TEXT)]

    delete_account(olena)

    root = Comment.objects.get(pk=world["root"].pk)
    assert (root.author_id, root.display_author, root.body, root.status) == (
        None,
        "[deleted account]",
        ROOT_TEXT,
        Comment.Status.PUBLISHED,
    )
    assert personal_data_left(*needles) == []
    assert SpamCheck.objects.filter(comment=root).values_list("context", flat=True).get() == {}


def test_deleting_one_account_leaves_other_readers_alone(olena, other_reader, world):
    delete_account(olena)

    other_reader.refresh_from_db()
    assert EmailAddress.objects.filter(user=other_reader).exists()
    assert list(Comment.objects.filter(author=other_reader).values_list("body", flat=True)) == [
        "Not here.",
        "Bob's own thread.",
    ]
