from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Section

NEWS_SITEMAP_WINDOW = timedelta(days=2)  # what Google News reads: articles of the last two days


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Article.objects.published().newest_first()

    def lastmod(self, item: Article):
        return item.updated_at


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return (
            Section.objects.filter(pk__in=Article.objects.published().values("section"))
            .annotate(latest=Max("articles__published_at"))
            .order_by("position", "name")
        )

    def lastmod(self, item: Section):
        return item.latest


class TagSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        used = Article.objects.published().values("tags")
        return Tag.objects.filter(pk__in=used).order_by("name")

    def location(self, item: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        bylined = Article.objects.published().values("byline__author")
        return get_user_model().objects.filter(pk__in=bylined, is_active=True).order_by("username")

    def location(self, item) -> str:
        return reverse("articles:author", kwargs={"username": item.username})


class NewsSitemap(Sitemap):
    """The articles of the last two days, rendered with the news: extension (templates/sitemaps/news.xml)."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_SITEMAP_WINDOW
        return Article.objects.published().filter(published_at__gte=since).newest_first()

    def lastmod(self, item: Article):
        return item.updated_at


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
