from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.models import Article, Section


class ArticleFeed(Feed):
    """Each entry's summary carries the standfirst, the byline and any corrections
    (templates/articles/feed_description.html)."""

    feed_type = Atom1Feed
    link = reverse_lazy("articles:list")
    subtitle = _("The latest articles")
    description_template = "articles/feed_description.html"

    def title(self, obj=None):
        return settings.SITE_NAME

    def articles(self, obj=None):
        return Article.objects.published()

    def items(self, obj=None):
        return self.articles(obj).newest_first().for_listing().with_corrections()[:30]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_author_name(self, item: Article) -> str | None:
        return item.byline_text or None

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name] if item.section else []


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} — {settings.SITE_NAME}"

    def subtitle(self, obj):
        return obj.description or _("The latest articles in %(section)s") % {"section": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj=None):
        return Article.objects.published().filter(section=obj)


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} — {settings.SITE_NAME}"

    def subtitle(self, obj):
        return _("The latest articles tagged %(tag)s") % {"tag": obj.name}

    def link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def articles(self, obj=None):
        return Article.objects.published().filter(tags=obj)
