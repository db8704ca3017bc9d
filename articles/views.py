from django.http import Http404
from django.views.generic import DetailView, ListView

from articles.models import Article


def can_preview(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm("articles.change_article")


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().newest_first().select_related("author")


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.select_related("author")
        if can_preview(self.request.user):
            return articles
        return articles.published()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404("No published article at this address.") from None
