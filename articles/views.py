from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles.models import MOST_DISCUSSED_WINDOW, Article, Section
from articles.structured import news_article

SECTION_BLOCK_SIZE = 4
MOST_DISCUSSED_SIZE = 5


def can_preview(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("articles.change_article")


class FrontPageView(TemplateView):
    """The lead story, a block for each section and the most discussed: three queries, however many articles
    and sections there are (tests/articles/test_front_page.py)."""

    template_name = "articles/front_page.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published().for_listing()
        lead = published.lead_first().first()
        rest = published.exclude(pk=lead.pk) if lead else published
        blocks: dict[int, tuple[Section, list[Article]]] = {}
        for article in rest.latest_per_section(SECTION_BLOCK_SIZE).order_by(
            "section__position", "section__name", "-published_at", "-pk"
        ):
            blocks.setdefault(article.section_id, (article.section, []))[1].append(article)
        # The lead story is already on top: no article is linked twice on the page.
        most_discussed = list(
            Article.objects.published()
            .exclude(pk=lead.pk if lead else None)
            .most_discussed(timezone.now() - MOST_DISCUSSED_WINDOW)
            .only("title", "slug", "comment_count", "published_at")[:MOST_DISCUSSED_SIZE]
        )
        return super().get_context_data(
            lead=lead, section_blocks=list(blocks.values()), most_discussed=most_discussed, **kwargs
        )


class ArticleListMixin:
    paginate_by = 20
    context_object_name = "articles"

    def published(self):
        return Article.objects.published().newest_first().for_listing()


class SectionView(ArticleListMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return self.published().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ArticleListMixin, ListView):
    """A tag that no published article carries is unknown to readers (drafts' tags stay private)."""

    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        articles = self.published().filter(tags=self.tag)
        if not articles.exists():
            raise Http404("No published article carries this tag.")
        return articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListMixin, ListView):
    """An author's profile: their published articles. Accounts without one have no public page."""

    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), username=self.kwargs["username"], is_active=True)
        articles = self.published().filter(byline__author=self.author)
        if not articles.exists():
            raise Http404("No published article carries this byline.")
        return articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Section, bylines, tags and corrections come in the article's one query.
        articles = Article.objects.select_related("author").for_listing().with_corrections()
        if can_preview(self.request.user):
            return articles
        return articles.published()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404("No published article at this address.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = news_article(self.object, self.request)
        context["share_image"] = self.object.share_image_url(self.request)
        return context
