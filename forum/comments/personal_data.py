"""What the comments app holds about a reader, for their export (forum/accounts/personal_data.py).
Erasure goes through forum.comments.posting (withdraw_votes, anonymise_author)."""

from django.conf import settings

from forum.comments.models import Comment, Vote


def export(user) -> dict:
    comments = Comment.objects.filter(author=user).select_related("article").order_by("created_at", "pk")
    votes = Vote.objects.filter(user=user).order_by("created_at", "pk")
    return {
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.title,
                "url": f"{settings.SITE_URL}{comment.get_absolute_url()}",
                "reply_to": comment.parent_id,
                "status": comment.status,
                "created_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
                "text": comment.body,
                "votes": comment.score,
                "spam_score": comment.spam_score,
                "spam_reasons": comment.spam_reasons,
            }
            for comment in comments
        ],
        "votes": [{"comment": vote.comment_id, "created_at": vote.created_at.isoformat()} for vote in votes],
    }
