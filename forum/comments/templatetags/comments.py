from django import template

from forum.comments import threads
from forum.comments.forms import CommentForm

register = template.Library()


@register.inclusion_tag("comments/_discussion.html", takes_context=True)
def discussion(context, article) -> dict:
    """The article's discussion: one page of threads, the sort links and the comment form."""
    request = context["request"]
    page = threads.discussion_page(
        article, request.user, sort=request.GET.get("sort"), page_number=request.GET.get("page", 1)
    )
    return {
        "request": request,
        "user": request.user,
        "article": article,
        "discussion": page,
        "form": context.get("comment_form") or CommentForm(),
    }
