from django.urls import path

from forum.comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.post, name="post"),
    path("articles/<slug:slug>/comments/threads/", views.threads_page, name="threads"),
    path("articles/<slug:slug>/comments/<int:pk>/", views.permalink, name="permalink"),
    path("articles/<slug:slug>/comments/<int:pk>/reply/", views.reply_form, name="reply"),
    path("articles/<slug:slug>/comments/<int:pk>/edit/", views.edit, name="edit"),
    path("articles/<slug:slug>/comments/<int:pk>/delete/", views.delete, name="delete"),
    path("articles/<slug:slug>/comments/<int:pk>/vote/", views.vote, name="vote"),
    path("articles/<slug:slug>/comments/<int:pk>/thread/", views.continue_thread, name="continue"),
    path("articles/<slug:slug>/comments/<int:pk>/replies/", views.more_replies, name="replies"),
]
