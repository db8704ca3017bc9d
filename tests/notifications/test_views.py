import re

import pytest
from django.utils import timezone

from forum.comments.models import Comment
from forum.notifications import following
from forum.notifications.models import EmailMode, Kind, Notification, Preference, Subscription
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def notify(recipient, kind=Kind.REPLY, read=False, **comment_fields):
    comment = CommentFactory(**comment_fields)
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        comment=comment,
        actor=comment.author,
        read_at=timezone.now() if read else None,
    )


def item_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="notification-(\d+)"', response.content.decode())]


def test_inbox_lists_unread_first_then_newest(client, reader):
    old_unread = notify(reader)
    read = notify(reader, read=True)
    new_unread = notify(reader)
    client.force_login(reader)

    response = client.get("/notifications/")

    assert item_ids(response) == [new_unread.pk, old_unread.pk, read.pk]


def test_inbox_links_through_the_open_view(client, reader):
    notification = notify(reader)
    client.force_login(reader)

    response = client.get("/notifications/")

    assert f'href="/notifications/{notification.pk}/open/"' in response.content.decode()


def test_open_marks_read_and_goes_to_the_comment(client, reader):
    notification = notify(reader)
    client.force_login(reader)

    response = client.get(f"/notifications/{notification.pk}/open/")

    comment = notification.comment
    assert response.status_code == 302
    assert response["Location"] == f"{comment.get_absolute_url()}#comment-{comment.pk}"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_open_lowers_the_unread_count_in_the_header(client, reader):
    opened, other = notify(reader), notify(reader)
    client.force_login(reader)

    client.get(f"/notifications/{opened.pk}/open/")
    response = client.get("/notifications/")

    assert re.search(r'class="badge">(\d+)<', response.content.decode()).group(1) == "1"
    assert list(Notification.objects.unread().values_list("pk", flat=True)) == [other.pk]


def test_open_keeps_the_first_read_time(client, reader):
    notification = notify(reader, read=True)
    first_read = notification.read_at
    client.force_login(reader)

    client.get(f"/notifications/{notification.pk}/open/")

    assert Notification.objects.get(pk=notification.pk).read_at == first_read


def test_open_of_someone_elses_is_not_found(client, reader, other_reader):
    notification = notify(other_reader)
    client.force_login(reader)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_open_of_a_comment_no_longer_public_is_not_found(client, reader):
    notification = notify(reader, status=Comment.Status.SPAM)
    client.force_login(reader)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_open_needs_a_login(client, reader):
    notification = notify(reader)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_open_refuses_post(client, reader):
    notification = notify(reader)
    client.force_login(reader)

    response = client.post(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_inbox_shows_only_the_readers_own(client, reader, other_reader):
    mine = notify(reader)
    notify(other_reader)
    client.force_login(reader)

    assert item_ids(client.get("/notifications/")) == [mine.pk]


def test_inbox_drops_comments_no_longer_public_but_keeps_the_authors_hidden_notice(client, reader):
    notify(reader, status=Comment.Status.SPAM)
    hidden = notify(reader, kind=Kind.HIDDEN, status=Comment.Status.HIDDEN)
    client.force_login(reader)

    assert item_ids(client.get("/notifications/")) == [hidden.pk]


def test_inbox_needs_a_login(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("count", [1, 5])
def test_inbox_query_count_does_not_grow_with_notifications(client, reader, django_assert_num_queries, count):
    for _ in range(count):
        notify(reader)
    client.force_login(reader)

    # user, page count, page, header count (the session is read from the cache)
    with django_assert_num_queries(4):
        response = client.get("/notifications/")

    assert len(item_ids(response)) == count


def test_mark_read_marks_one(client, reader):
    first, second = notify(reader), notify(reader)
    client.force_login(reader)

    response = client.post(f"/notifications/{first.pk}/read/")

    assert response.status_code == 302
    assert list(Notification.objects.unread().values_list("pk", flat=True)) == [second.pk]


def test_mark_read_with_htmx_answers_the_item(client, reader):
    notification = notify(reader)
    client.force_login(reader)

    response = client.post(f"/notifications/{notification.pk}/read/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'class="notification"' in response.content.decode()


def test_mark_read_of_someone_elses_is_not_found(client, reader, other_reader):
    notification = notify(other_reader)
    client.force_login(reader)

    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_read_refuses_get(client, reader):
    notification = notify(reader)
    client.force_login(reader)

    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405


def test_mark_read_goes_back_to_a_local_next_only(client, reader):
    first, second = notify(reader), notify(reader)
    client.force_login(reader)

    local = client.post(f"/notifications/{first.pk}/read/", {"next": "/articles/"})
    foreign = client.post(f"/notifications/{second.pk}/read/", {"next": "https://evil.example/"})

    assert local["Location"] == "/articles/"
    assert foreign["Location"] == "/notifications/"


def test_mark_all_read(client, reader, other_reader):
    notify(reader), notify(reader)
    others = notify(other_reader)
    client.force_login(reader)

    client.post("/notifications/read/")

    assert list(Notification.objects.unread().values_list("pk", flat=True)) == [others.pk]


def test_preferences_show_the_defaults(client, reader):
    client.force_login(reader)

    response = client.get("/notifications/settings/")

    form = response.context["form"]
    assert form["reply"].initial == EmailMode.IMMEDIATE
    assert form["article"].initial == EmailMode.DIGEST
    assert "held" not in form.fields


def test_preferences_offer_moderators_their_kinds(client, moderator):
    client.force_login(moderator)

    form = client.get("/notifications/settings/").context["form"]

    assert {"report", "held"} <= set(form.fields)


def test_preferences_are_saved(client, reader):
    client.force_login(reader)
    data = {
        "reply": "digest",
        "mention": "off",
        "thread": "off",
        "article": "immediate",
        "hidden": "immediate",
        "appeal": "digest",
    }

    response = client.post("/notifications/settings/", data)

    assert response.status_code == 302
    modes = Preference.objects.modes_for(reader)
    assert (modes["reply"], modes["mention"], modes["article"], modes["appeal"]) == (
        "digest",
        "off",
        "immediate",
        "digest",
    )


def test_preferences_refuse_an_unknown_mode(client, reader):
    client.force_login(reader)
    data = {
        "reply": "hourly",
        "mention": "off",
        "thread": "off",
        "article": "off",
        "hidden": "off",
        "appeal": "off",
    }

    response = client.post("/notifications/settings/", data)

    assert response.status_code == 400
    assert Preference.objects.filter(user=reader).count() == 0


def test_reader_cannot_choose_moderator_kinds(client, reader):
    client.force_login(reader)
    data = {
        "reply": "off",
        "mention": "off",
        "thread": "off",
        "article": "off",
        "hidden": "off",
        "held": "off",
    }

    client.post("/notifications/settings/", data)

    assert not Preference.objects.filter(user=reader, kind="held").exists()


def test_follow_and_unfollow_an_article(client, reader, article):
    client.force_login(reader)

    client.post(f"/notifications/follow/article/{article.pk}/")
    followed, _threads = following.following_on(reader, article.pk)
    response = client.post(f"/notifications/unfollow/article/{article.pk}/")

    assert followed is True
    assert following.following_on(reader, article.pk) == (False, set())
    assert response["Location"] == f"/articles/{article.slug}/#discussion"


def test_follow_with_htmx_answers_the_button(client, reader, article):
    client.force_login(reader)

    response = client.post(f"/notifications/follow/article/{article.pk}/", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert 'aria-pressed="true"' in content
    assert f'action="/notifications/unfollow/article/{article.pk}/"' in content


def test_follow_needs_a_login(client, article):
    response = client.post(f"/notifications/follow/article/{article.pk}/")

    assert response.status_code == 302
    assert Subscription.objects.count() == 0


def test_follow_refuses_get(client, reader, article):
    client.force_login(reader)

    assert client.get(f"/notifications/follow/article/{article.pk}/").status_code == 405


def test_follow_an_unpublished_article_is_not_found(client, reader):
    draft = ArticleFactory(status="draft")
    client.force_login(reader)

    assert client.post(f"/notifications/follow/article/{draft.pk}/").status_code == 404


def test_follow_from_a_reply_follows_its_thread(client, reader, article):
    root = CommentFactory(article=article)
    reply = CommentFactory(parent=root)
    client.force_login(reader)

    client.post(f"/notifications/follow/thread/{reply.pk}/")

    assert list(Subscription.objects.filter(user=reader).values_list("thread_id", flat=True)) == [root.pk]


def test_unfollow_a_thread(client, reader, article):
    root = CommentFactory(article=article)
    following.set_following_thread(reader, root, True)
    client.force_login(reader)

    client.post(f"/notifications/unfollow/thread/{root.pk}/")

    assert following.following_on(reader, article.pk) == (None, set())


def test_follow_a_thread_the_reader_cannot_see_is_not_found(client, reader, article):
    spam = CommentFactory(article=article, status=Comment.Status.SPAM, author=UserFactory())
    client.force_login(reader)

    assert client.post(f"/notifications/follow/thread/{spam.pk}/").status_code == 404
    assert Subscription.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications/read/"),
        ("put", "/notifications/settings/"),
        ("get", "/notifications/follow/thread/1/"),
        ("get", "/notifications/unfollow/article/1/"),
    ],
)
def test_actions_refuse_the_wrong_method(client, reader, method, path):
    client.force_login(reader)

    assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize(
    "path", ["/notifications/read/", "/notifications/1/read/", "/notifications/follow/thread/1/"]
)
def test_actions_need_a_login(client, path):
    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_preferences_need_a_login(client):
    assert client.get("/notifications/settings/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "path",
    [
        "{n}/read/",
        "follow/article/{n}/",
        "unfollow/article/{n}/",
        "follow/thread/{n}/",
        "unfollow/thread/{n}/",
    ],
)
def test_a_number_too_large_in_the_address_is_404(client, reader, path):
    client.force_login(reader)

    response = client.post(f"/notifications/{path.format(n='9' * 20)}")

    assert response.status_code == 404
