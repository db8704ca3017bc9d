from django.urls import path

from forum.moderation import views

app_name = "moderation"


def action(route: str, name: str):
    """A POST action of views.ACTIONS, named as its entry."""
    return path(route, views.take_action, {"action": name}, name=name)


def action_form(route: str, name: str):
    """The GET page of that action's form."""
    return path(route, views.action_form, {"action": name}, name=f"{name}_form")


urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    action("comments/<int:pk>/hide/", "hide"),
    action("comments/<int:pk>/unhide/", "unhide"),
    action("comments/<int:pk>/approve/", "approve"),
    action("comments/<int:pk>/spam/", "spam"),
    action("comments/<int:pk>/delete/", "delete"),
    action_form("comments/<int:pk>/delete/form/", "delete"),
    action("comments/<int:pk>/lock/", "lock"),
    action("comments/<int:pk>/unlock/", "unlock"),
    action("comments/<int:pk>/report/", "report"),
    action_form("comments/<int:pk>/report/form/", "report"),
    action_form("comments/<int:pk>/hide/form/", "hide"),
    action("comments/<int:pk>/appeal/", "appeal"),
    action_form("comments/<int:pk>/appeal/form/", "appeal"),
    action("appeals/<int:pk>/decide/", "decide"),
    action("users/<int:pk>/suspend/", "suspend"),
    action("suspensions/<int:pk>/lift/", "lift"),
    action("articles/<int:pk>/close/", "close"),
    action("articles/<int:pk>/reopen/", "reopen"),
]
