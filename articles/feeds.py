from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("articles:list")
    subtitle = _("The latest articles")

    def title(self):
        return settings.SITE_NAME

    def items(self):
        return Article.objects.published().newest_first().select_related("author")[:30]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.standfirst or item.body_html

    def item_author_name(self, item: Article) -> str | None:
        return item.author.public_name if item.author else None

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at
