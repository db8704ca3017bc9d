from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from articles.sitemaps import ArticleSitemap
from forum.accounts.views import ProfileView
from forum.health import healthz

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Tribune administration")
admin.site.site_title = _("Tribune")

# 503 with a plain page while the database is down (forum/errors.py); the usual 500 page otherwise.
handler500 = "forum.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/profile/", ProfileView.as_view(), name="profile"),
    path("accounts/", include("allauth.urls")),
    path("moderation/", include("forum.moderation.urls")),
    path("healthz", healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": {"articles": ArticleSitemap}}, name="sitemap"),
    path("notifications/", include("forum.notifications.urls")),
    path("", include("forum.comments.urls")),
    path("", include("articles.urls")),
]
