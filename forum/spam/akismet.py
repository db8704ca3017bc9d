"""An Akismet-compatible check (https://akismet.com/developers/comment-check/), used when AKISMET_API_KEY is
set. AKISMET_URL points at Akismet itself or at any service speaking the same protocol."""

import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from forum.comments.models import Comment

TIMEOUT = 10


class AkismetUnavailable(Exception):
    """The service did not answer usefully (network, 5xx, or an answer that is neither true nor false)."""


def enabled() -> bool:
    return bool(settings.AKISMET_API_KEY)


def comment_check(comment: Comment, context: dict) -> bool:
    """True when the service says the comment is spam."""
    author = comment.author
    data = {
        "api_key": settings.AKISMET_API_KEY,
        "blog": settings.SITE_URL,
        "user_ip": context.get("ip") or "",
        "user_agent": context.get("user_agent") or "",
        "permalink": f"{settings.SITE_URL}{comment.article.get_absolute_url()}",
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.display_author,
        "comment_author_email": author.email if author else "",
        "comment_content": comment.body,
        "comment_date_gmt": comment.created_at.isoformat(),
        "blog_lang": ",".join(code for code, _name in settings.LANGUAGES),
        "blog_charset": "UTF-8",
    }
    if comment.edited_at:
        data["comment_post_modified_gmt"] = comment.edited_at.isoformat()
    request = urllib.request.Request(
        f"{settings.AKISMET_URL}/comment-check",
        data=urllib.parse.urlencode(data).encode(),
        headers={"User-Agent": "Tribune/0.1 | Akismet-compatible client"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = response.read(100).decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError) as exc:
        raise AkismetUnavailable(str(exc)) from exc
    if answer == "true":
        return True
    if answer == "false":
        return False
    raise AkismetUnavailable(f"unexpected answer {answer[:40]!r}")
