from django.urls import include, path

from bench.xtd.blog.views import article_detail

urlpatterns = [
    path("comments/", include("django_comments_xtd.urls")),
    path("articles/<slug:slug>/", article_detail, name="article-detail"),
]
