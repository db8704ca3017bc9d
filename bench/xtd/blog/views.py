from django.shortcuts import get_object_or_404, render

from bench.xtd.blog.models import Article


def article_detail(request, slug):
    article = get_object_or_404(Article, slug=slug)
    return render(request, "article.html", {"article": article})
