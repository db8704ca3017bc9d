"""The front page's hierarchy: lead story, a block per section, the most discussed of the last 24 hours."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import ArticleFactory, CommentFactory, EditorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def hours_ago(hours: float):
    return timezone.now() - timezone.timedelta(hours=hours)


def test_the_lead_is_the_newest_article_with_an_image(client):
    with_image = ArticleFactory(
        published_at=hours_ago(3),
        lead_image="articles/x.jpg",
        lead_image_width=1200,
        lead_image_height=600,
        lead_image_renditions={"1200": "articles/x-1200w.jpg"},
    )
    ArticleFactory(published_at=hours_ago(1))

    response = client.get("/")

    assert response.context["lead"] == with_image


def test_without_images_the_lead_is_the_newest_article(client):
    ArticleFactory(published_at=hours_ago(3))
    newest = ArticleFactory(published_at=hours_ago(1))

    assert client.get("/").context["lead"] == newest


def test_each_section_gets_a_block_of_its_four_newest_articles_in_section_order(client):
    world = SectionFactory(slug="world", position=1)
    sport = SectionFactory(slug="sport", position=2)
    lead = ArticleFactory(section=world, published_at=hours_ago(0.5))
    world_articles = [ArticleFactory(section=world, published_at=hours_ago(h)) for h in range(1, 7)]
    sport_article = ArticleFactory(section=sport, published_at=hours_ago(2))
    ArticleFactory(section=sport, status=Article.Status.DRAFT)

    blocks = client.get("/").context["section_blocks"]

    assert [(section, articles) for section, articles in blocks] == [
        (world, world_articles[:4]),
        (sport, [sport_article]),
    ]
    assert lead not in blocks[0][1]


def test_front_page_shows_standfirst_byline_and_comment_counts(client):
    ArticleFactory(comment_count=3, standfirst="Talks resume.", author=EditorFactory(display_name="Olga R"))

    html = client.get("/").content.decode()

    assert '<span class="comment-count">3 comments</span>' in html
    assert '<p class="standfirst">Talks resume.</p>' in html
    assert 'rel="author">Olga R</a>' in html


def test_most_discussed_ranks_articles_commented_in_the_last_day_by_their_stored_count(client):
    ArticleFactory(title="Lead, without comments", published_at=hours_ago(0))
    busy = ArticleFactory(title="Busy", comment_count=40)
    quiet = ArticleFactory(title="Quiet", comment_count=2)
    stale = ArticleFactory(title="Stale", comment_count=99)
    for article in (busy, quiet, stale):
        CommentFactory(article=article)
    stale.comments.update(created_at=hours_ago(25))
    ArticleFactory(title="Silent")

    most_discussed = client.get("/").context["most_discussed"]

    assert [a.title for a in most_discussed] == ["Busy", "Quiet"]


def test_the_lead_story_is_not_listed_again_as_most_discussed(client):
    lead = ArticleFactory(comment_count=40)
    CommentFactory(article=lead)

    response = client.get("/")

    assert (response.context["lead"], response.context["most_discussed"]) == (lead, [])


def test_the_front_page_costs_three_queries_however_much_there_is(client, django_assert_num_queries):
    # Lead, section blocks, most discussed; the session is not read for an anonymous reader.
    def fill(sections: int, articles: int):
        for s in range(sections):
            section = SectionFactory(slug=f"s{s}-{articles}")
            for _ in range(articles):
                article = ArticleFactory(section=section, bylines=[EditorFactory(), EditorFactory()])
                article.tags.add("Belarus", "Ukraine")
                CommentFactory(article=article)

    fill(1, 1)
    with django_assert_num_queries(3):
        client.get("/")
    fill(4, 5)
    with django_assert_num_queries(3):
        client.get("/")


def test_the_footer_and_a_wide_wrap_are_on_the_front_page(client):
    ArticleFactory()

    html = client.get("/").content.decode()

    assert '<main id="main" class="wrap wrap--wide"' in html
    assert '<footer class="site-footer">' in html


def test_the_article_page_has_news_article_structured_data(client):
    author = EditorFactory(username="olga", display_name="Olga Reporter")
    article = ArticleFactory(
        title="Talks </script> resume",
        slug="talks",
        author=author,
        section=SectionFactory(slug="world", name="World"),
    )
    article.tags.add("Belarus")

    html = client.get("/articles/talks/").content.decode()

    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script>" not in raw
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Talks </script> resume"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.published_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "Olga Reporter", "url": "http://testserver/authors/olga/"}
    ]
    assert data["publisher"] == {"@type": "Organization", "name": "Tribune", "url": "http://testserver/"}
    assert (data["articleSection"], data["keywords"]) == ("World", ["Belarus"])


def test_corrections_show_dated_at_the_end_of_the_article(client):
    article = ArticleFactory(slug="talks")
    Correction.objects.create(
        article=article,
        text="An earlier version misspelt Minsk.",
        created_at=dt.datetime(2026, 2, 3, tzinfo=dt.UTC),
    )

    html = client.get("/articles/talks/").content.decode()

    corrections = re.search(r'<section class="corrections".*?</section>', html, re.S).group(0)
    dated = '<time datetime="2026-02-03T00:00:00+00:00">3 February 2026</time>'
    assert f"{dated}: An earlier version misspelt Minsk." in corrections
    assert html.index('class="corrections"') > html.index('class="article-body"')


def test_the_article_page_shows_section_tags_and_byline_links(client):
    article = ArticleFactory(
        slug="talks",
        section=SectionFactory(slug="world", name="World"),
        author=EditorFactory(username="olga"),
    )
    article.tags.add("Belarus")

    html = client.get("/articles/talks/").content.decode()

    assert '<p class="kicker"><a href="/sections/world/">World</a></p>' in html
    assert '<a href="/tags/belarus/" rel="tag">Belarus</a>' in html
    assert '<a href="/authors/olga/" rel="author">' in html
