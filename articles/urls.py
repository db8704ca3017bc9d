from django.urls import path
from django.views.decorators.http import require_safe

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="list"),
    # Feeds answer GET and HEAD only (405 otherwise): a POST is no way to read one.
    path("articles/feed/", require_safe(feeds.ArticleFeed()), name="feed"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<slug:slug>/feed/", require_safe(feeds.SectionFeed()), name="section_feed"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", require_safe(feeds.TagFeed()), name="tag_feed"),
    path("authors/<str:username>/", views.AuthorView.as_view(), name="author"),
]
