from django.urls import path

from forum.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("settings/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("follow/article/<int:pk>/", views.follow_article, {"follow": True}, name="follow_article"),
    path("unfollow/article/<int:pk>/", views.follow_article, {"follow": False}, name="unfollow_article"),
    path("follow/thread/<int:pk>/", views.follow_thread, {"follow": True}, name="follow_thread"),
    path("unfollow/thread/<int:pk>/", views.follow_thread, {"follow": False}, name="unfollow_thread"),
]
