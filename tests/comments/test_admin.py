import pytest

from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderator_sees_comments_as_a_tree_in_the_admin(client, moderator, article):
    root = CommentFactory(article=article, body="Root in admin")
    CommentFactory(parent=root, body="Reply in admin")
    client.force_login(moderator)

    response = client.get("/admin/comments/comment/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Root in admin") < html.index("— Reply in admin")


def test_admin_filters_comments_by_status(client, moderator, article):
    CommentFactory(article=article, body="Visible one")
    CommentFactory(article=article, body="Spammy one", status="spam")
    client.force_login(moderator)

    response = client.get("/admin/comments/comment/?status__exact=spam")

    assert [c.body for c in response.context["cl"].result_list] == ["Spammy one"]


def test_admin_searches_comment_text(client, moderator, article):
    CommentFactory(article=article, body="About the harvest")
    CommentFactory(article=article, body="About the weather")
    client.force_login(moderator)

    response = client.get("/admin/comments/comment/?q=harvest")

    assert [c.body for c in response.context["cl"].result_list] == ["About the harvest"]


def test_reader_cannot_open_the_comment_admin(client):
    client.force_login(UserFactory())

    assert client.get("/admin/comments/comment/").status_code == 302
