from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from articles import urls as article_urls
from articles.sitemaps import SITEMAPS, NewsSitemap
from forum.accounts.views import PrivacyView, ProfileView, delete_account_view, export_data, set_language
from forum.health import healthz
from forum.pages import ArticlePageView
from forum.views import favicon

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Tribune administration")
admin.site.site_title = _("Tribune")

# 503 with a plain page while the database is down (forum/errors.py); the usual 500 page otherwise.
handler500 = "forum.errors.server_error"

# articles' URLs, with the article page assembled at the site level: articles' own detail view draws the
# article alone (articles stands alone), ArticlePageView adds its discussion (forum/pages.py).
site_article_urls = [
    path(str(route.pattern), ArticlePageView.as_view(), name=route.name) if route.name == "detail" else route
    for route in article_urls.urlpatterns
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/profile/", ProfileView.as_view(), name="profile"),
    path("accounts/profile/export/", export_data, name="profile_export"),
    path("accounts/profile/delete/", delete_account_view, name="profile_delete"),
    path("privacy/", PrivacyView.as_view(), name="privacy"),
    path("accounts/", include("allauth.urls")),
    path("language/", set_language, name="set_language"),
    path("moderation/", include("forum.moderation.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # Sitemaps, like the feeds, answer GET and HEAD only.
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-news.xml",
        require_safe(sitemap),
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="news_sitemap",
    ),
    path("notifications/", include("forum.notifications.urls")),
    path("", include("forum.comments.urls")),
    path("", include((site_article_urls, article_urls.app_name))),
]
# Uploaded lead images; in production the web server or a bucket serves MEDIA_URL (docs/deployment.md).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
