"""Policies for tests (forum/comments/policies.py): add one to the settings' list to hold or refuse."""

from django.core.exceptions import PermissionDenied

from forum.comments.models import Comment


def hold_everything(comment: Comment) -> str:
    return Comment.Status.PENDING


def refuse_everyone(action: str, user, article, comment) -> None:
    raise PermissionDenied("Your account is suspended.")
