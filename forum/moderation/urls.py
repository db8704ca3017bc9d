from django.urls import path

from forum.moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("comments/<int:pk>/hide/", views.hide, name="hide"),
    path("comments/<int:pk>/unhide/", views.unhide, name="unhide"),
    path("comments/<int:pk>/approve/", views.approve, name="approve"),
    path("comments/<int:pk>/spam/", views.spam, name="spam"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/delete/form/", views.delete_form, name="delete_form"),
    path("comments/<int:pk>/lock/", views.lock, name="lock"),
    path("comments/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/report/form/", views.report_form, name="report_form"),
    path("comments/<int:pk>/hide/form/", views.hide_form, name="hide_form"),
    path("comments/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("comments/<int:pk>/appeal/form/", views.appeal_form, name="appeal_form"),
    path("appeals/<int:pk>/decide/", views.decide, name="decide"),
    path("users/<int:pk>/suspend/", views.suspend, name="suspend"),
    path("suspensions/<int:pk>/lift/", views.lift, name="lift"),
    path("articles/<int:pk>/close/", views.close_article, name="close"),
    path("articles/<int:pk>/reopen/", views.reopen_article, name="reopen"),
]
