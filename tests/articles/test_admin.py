import pytest
from django.contrib.auth.models import Group

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_editors_group_may_manage_articles_and_read_comments():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))

    assert codenames == {"add_article", "change_article", "delete_article", "view_article", "view_comment"}


def test_moderators_group_exists():
    assert Group.objects.filter(name="Moderators").exists()


def test_editor_creates_an_article_stamped_with_their_name(client):
    editor = EditorFactory()
    client.force_login(editor)

    response = client.post(
        "/admin/articles/article/add/",
        {
            "title": "Talks resume",
            "slug": "talks-resume",
            "standfirst": "Delegations meet again.",
            "body": "The talks *resumed* today.",
            "status": "published",
            "published_at_0": "2026-01-01",
            "published_at_1": "09:00:00",
            "comments_open": "on",
        },
    )

    assert response.status_code == 302
    article = Article.objects.get(slug="talks-resume")
    assert article.author == editor
    assert article.body_html == "<p>The talks <em>resumed</em> today.</p>"


def test_editor_sees_article_list_with_comment_counts(client):
    ArticleFactory(title="Counted", comment_count=7)
    client.force_login(EditorFactory())

    response = client.get("/admin/articles/article/")

    assert response.status_code == 200
    assert list(response.context["cl"].list_display) == [
        "action_checkbox",
        "title",
        "status",
        "is_published",
        "published_at",
        "author",
        "comment_count",
    ]


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/auth/group/"])
def test_editor_may_not_manage_accounts_or_groups(client, url):
    client.force_login(EditorFactory())

    response = client.get(url)

    assert response.status_code == 403


def test_reader_cannot_enter_the_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/articles/article/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_action_publishes_drafts(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(EditorFactory())

    client.post("/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
