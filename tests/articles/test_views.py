import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db


def test_published_article_page_has_title_description_and_open_graph(client, article):
    response = client.get("/articles/belarus-urges-truce/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Belarus urges truce — Tribune</title>" in html
    assert '<meta name="description" content="What happened, in a sentence.">' in html
    assert '<meta property="og:title" content="Belarus urges truce">' in html
    assert "<p>Second paragraph with <em>emphasis</em>.</p>" in html


@pytest.mark.parametrize(
    "changes",
    [{"status": Article.Status.DRAFT}, {"published_at": timezone.now() + timezone.timedelta(hours=1)}],
    ids=["draft", "scheduled"],
)
def test_unpublished_article_is_404_for_the_public(client, reader, changes):
    article = ArticleFactory(**changes)
    client.force_login(reader)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_scheduled_article_appears_at_its_time(client, time_machine):
    time_machine.move_to("2026-01-01T09:00:00Z", tick=False)
    article = ArticleFactory(published_at=timezone.now() + timezone.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404

    time_machine.move_to("2026-01-01T10:00:01Z", tick=False)

    assert client.get(article.get_absolute_url()).status_code == 200


def test_editor_previews_a_draft_on_the_site(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(EditorFactory())

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Preview: this article is a draft and is not public." in response.content.decode()


def test_feed_lists_published_articles_only(client):
    ArticleFactory(title="Visible in the feed")
    ArticleFactory(title="A secret draft", status=Article.Status.DRAFT)

    response = client.get("/articles/feed/")

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Visible in the feed</title>" in body
    assert "A secret draft" not in body


def test_sitemap_lists_published_articles_only(client):
    ArticleFactory(slug="in-the-sitemap")
    ArticleFactory(slug="draft-not-in-sitemap", status=Article.Status.DRAFT)

    body = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://testserver/articles/in-the-sitemap/</loc>" in body
    assert "draft-not-in-sitemap" not in body


def test_missing_page_is_a_404_in_the_site_look(client):
    response = client.get("/articles/no-such-thing/")

    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()
