import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from forum.comments.models import Comment
from forum.moderation import services, suspensions
from forum.moderation.models import DiscussionSettings, ModerationAction
from tests.factories import CommentFactory
from tests.moderation.conftest import refresh

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/comments/comment/"


def test_hide_asks_for_the_reason_first(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(CHANGELIST, {"action": "hide_comments", ACTION_CHECKBOX_NAME: [comment.pk]})

    assert response.status_code == 200
    assert response.templates[0].name == "admin/moderation/hide_comments.html"
    assert refresh(comment).status == Comment.Status.PUBLISHED


def test_hide_goes_through_the_service_and_the_log(client, comment, reply, moderator):
    client.force_login(moderator)

    response = client.post(
        CHANGELIST,
        {
            "action": "hide_comments",
            ACTION_CHECKBOX_NAME: [comment.pk, reply.pk],
            "apply": "1",
            "reason": "off_topic",
            "note": "From the admin",
        },
    )

    assert response.status_code == 302
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.HIDDEN}
    assert sorted(ModerationAction.objects.values_list("comment_id", "kind", "reason", "note")) == sorted(
        [
            (comment.pk, "hide", "off_topic", "From the admin"),
            (reply.pk, "hide", "off_topic", "From the admin"),
        ]
    )
    comment.article.refresh_from_db()
    assert comment.article.comment_count == 0


def test_hide_without_a_reason_asks_again(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(
        CHANGELIST,
        {"action": "hide_comments", ACTION_CHECKBOX_NAME: [comment.pk], "apply": "1", "reason": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Choose the reason for hiding."]}
    assert refresh(comment).status == Comment.Status.PUBLISHED


def test_unhide_and_spam_go_through_the_services(client, article, moderator, other_reader):
    hidden = CommentFactory(article=article, author=other_reader)
    services.hide(comment=hidden, actor=moderator, reason="abuse")
    spam = CommentFactory(article=article, author=other_reader)
    client.force_login(moderator)

    client.post(CHANGELIST, {"action": "unhide_comments", ACTION_CHECKBOX_NAME: [hidden.pk]})
    client.post(CHANGELIST, {"action": "mark_comments_spam", ACTION_CHECKBOX_NAME: [spam.pk]})

    assert refresh(hidden).status == Comment.Status.PUBLISHED
    assert refresh(spam).status == Comment.Status.SPAM
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "hide",
        "unhide",
        "spam",
    ]


def test_unhide_skips_what_is_not_hidden(client, comment, moderator):
    client.force_login(moderator)

    response = client.post(
        CHANGELIST, {"action": "unhide_comments", ACTION_CHECKBOX_NAME: [comment.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"Comment {comment.pk} skipped: This comment is not hidden."
    ]
    assert not ModerationAction.objects.exists()


def offered_actions(client, user) -> set[str]:
    client.force_login(user)
    form = client.get(CHANGELIST).context["action_form"]
    return set() if form is None else {name for name, _label in form.fields["action"].choices}


def test_the_moderation_actions_are_offered_to_moderators_only(client, comment, moderator, editor):
    ours = {"hide_comments", "unhide_comments", "mark_comments_spam"}

    assert ours <= offered_actions(client, moderator)
    assert not ours & offered_actions(client, editor)


def test_editors_cannot_run_the_actions(client, comment, editor):
    client.force_login(editor)

    client.post(CHANGELIST, {"action": "mark_comments_spam", ACTION_CHECKBOX_NAME: [comment.pk]})

    assert refresh(comment).status == Comment.Status.PUBLISHED


def test_lift_suspensions_from_the_admin(client, other_reader, moderator):
    suspension = suspensions.suspend(user=other_reader, duration="30", reason="Abuse", actor=moderator)
    client.force_login(moderator)

    client.post("/admin/moderation/suspension/", {"action": "lift", ACTION_CHECKBOX_NAME: [suspension.pk]})

    assert suspensions.active_suspension(other_reader) is None
    assert ModerationAction.objects.order_by("pk").last().kind == ModerationAction.Kind.LIFT_SUSPENSION


def test_editors_set_an_articles_close_after_days(client, article, editor):
    client.force_login(editor)

    response = client.post(
        "/admin/moderation/discussionsettings/add/", {"article": article.pk, "close_after_days": "14"}
    )

    assert response.status_code == 302
    assert DiscussionSettings.objects.get(article=article).close_after_days == 14


def test_readers_cannot_set_discussion_settings(client, article, other_reader):
    client.force_login(other_reader)

    response = client.post(
        "/admin/moderation/discussionsettings/add/", {"article": article.pk, "close_after_days": "14"}
    )

    assert response.status_code == 302  # to the admin's log-in: readers are not staff
    assert not DiscussionSettings.objects.exists()
