"""Section, tag and author pages, their feeds, and the sitemaps."""

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ArticleFactory, EditorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def hours_ago(hours: int):
    return timezone.now() - timezone.timedelta(hours=hours)


@pytest.fixture
def world(db):
    return SectionFactory(slug="world", name="World")


def test_section_page_lists_its_published_articles_newest_first(client, world):
    older = ArticleFactory(section=world, published_at=hours_ago(5))
    newer = ArticleFactory(section=world, published_at=hours_ago(2))
    ArticleFactory(section=SectionFactory(slug="sport"))
    ArticleFactory(section=world, status=Article.Status.DRAFT)

    response = client.get("/sections/world/")

    assert list(response.context["articles"]) == [newer, older]
    assert '<h1 class="page-title">World</h1>' in response.content.decode()


def test_section_page_shows_comment_counts_standfirst_and_byline(client, world):
    author = EditorFactory(display_name="Olga Reporter", username="olga")
    ArticleFactory(section=world, comment_count=3, author=author, standfirst="Talks resume.")

    html = client.get("/sections/world/").content.decode()

    assert '<span class="comment-count">3 comments</span>' in html
    assert '<p class="standfirst">Talks resume.</p>' in html
    assert '<a href="/authors/olga/" rel="author">Olga Reporter</a>' in html


def test_section_page_paginates_by_twenty(client, world):
    ArticleFactory.create_batch(21, section=world)

    first, second = client.get("/sections/world/"), client.get("/sections/world/?page=2")

    assert len(first.context["articles"]) == 20
    assert len(second.context["articles"]) == 1


def test_listing_pages_cost_the_same_queries_for_one_or_many_articles(
    client, world, django_assert_num_queries
):
    # Section, then count and page of articles with their bylines and tags in the same query.
    ArticleFactory(section=world).tags.add("Belarus")
    with django_assert_num_queries(3):
        client.get("/sections/world/")

    for _ in range(5):
        ArticleFactory(section=world, bylines=[EditorFactory(), EditorFactory()]).tags.add(
            "Belarus", "Ukraine"
        )
    with django_assert_num_queries(3):
        client.get("/sections/world/")


@pytest.mark.parametrize(
    "url", ["/sections/nowhere/", "/sections/nowhere/feed/", "/tags/nothing/", "/tags/nothing/feed/"]
)
def test_unknown_slugs_are_404(client, url):
    response = client.get(url)

    assert response.status_code == 404


def test_tag_page_lists_published_articles_with_the_tag(client, world):
    tagged = ArticleFactory(section=world, title="About Belarus")
    tagged.tags.add("Belarus")
    ArticleFactory(title="Elsewhere").tags.add("Ukraine")

    response = client.get("/tags/belarus/")

    assert list(response.context["articles"]) == [tagged]
    assert response.context["tag"].name == "Belarus"


def test_a_tag_only_drafts_carry_is_404(client):
    ArticleFactory(status=Article.Status.DRAFT).tags.add("Secret plan")

    assert client.get("/tags/secret-plan/").status_code == 404


def test_author_page_lists_their_bylines(client, world):
    author = EditorFactory(username="olga", display_name="Olga Reporter")
    own = ArticleFactory(section=world, author=author, published_at=hours_ago(3))
    shared = ArticleFactory(section=world, bylines=[EditorFactory(), author], published_at=hours_ago(1))
    ArticleFactory(section=world)

    response = client.get("/authors/olga/")

    assert list(response.context["articles"]) == [shared, own]
    assert '<h1 class="page-title">Olga Reporter</h1>' in response.content.decode()


def test_a_reader_without_articles_has_no_public_page(client):
    UserFactory(username="alice")

    assert client.get("/authors/alice/").status_code == 404


def test_section_feed_has_its_articles_with_standfirst_byline_and_corrections(client, world):
    author = EditorFactory(display_name="Olga Reporter")
    article = ArticleFactory(section=world, title="In the world", author=author, standfirst="Talks resume.")
    Correction.objects.create(article=article, text="An earlier version misspelt Minsk.")
    ArticleFactory(title="In sport", section=SectionFactory(slug="sport"))

    response = client.get("/sections/world/feed/")

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>In the world</title>" in body
    assert "In sport" not in body
    assert "&lt;p&gt;Talks resume.&lt;/p&gt;" in body
    assert "By Olga Reporter" in body
    assert "<name>Olga Reporter</name>" in body
    assert "An earlier version misspelt Minsk." in body


def test_tag_feed_has_its_articles(client):
    ArticleFactory(title="Tagged").tags.add("Belarus")
    ArticleFactory(title="Untagged")

    body = client.get("/tags/belarus/feed/").content.decode()

    assert "<title>Tagged</title>" in body
    assert "Untagged" not in body


def test_sitemap_lists_sections_tags_and_authors_of_published_articles(client, world):
    ArticleFactory(section=world, author=EditorFactory(username="olga")).tags.add("Belarus")
    ArticleFactory(section=SectionFactory(slug="hidden"), status=Article.Status.DRAFT).tags.add("Secret")

    body = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://testserver/sections/world/</loc>" in body
    assert "<loc>http://testserver/tags/belarus/</loc>" in body
    assert "<loc>http://testserver/authors/olga/</loc>" in body
    assert "/sections/hidden/" not in body
    assert "/tags/secret/" not in body


def test_news_sitemap_has_the_articles_of_the_last_two_days(client):
    ArticleFactory(slug="fresh", title="Fresh news", published_at=hours_ago(30))
    ArticleFactory(slug="stale", published_at=hours_ago(49))
    ArticleFactory(slug="draft", status=Article.Status.DRAFT)

    body = client.get("/sitemap-news.xml").content.decode()

    assert "<loc>http://testserver/articles/fresh/</loc>" in body
    assert "<news:title>Fresh news</news:title>" in body
    assert "<news:name>Tribune</news:name>" in body
    assert "stale" not in body
    assert "/articles/draft/" not in body
