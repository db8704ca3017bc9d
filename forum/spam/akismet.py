"""An Akismet-compatible check (https://akismet.com/developers/comment-check/) through the `akismet`
library, used when AKISMET_API_KEY is set. AKISMET_URL points at Akismet itself or at any service speaking
the same protocol. The reader's IP address is never sent (Tribune does not keep it), and of the user agent
only the browser family."""

import akismet
import httpx
from django.conf import settings

from forum.comments.models import Comment

TIMEOUT = 10  # seconds; the library's default (1 s) gives up on a busy service too soon
USER_AGENT = f"Tribune/0.1 | {akismet.USER_AGENT}"


class AkismetUnavailable(Exception):
    """The service did not answer usefully (network, 4xx/5xx, a refused key, or an answer that is neither
    true nor false)."""


def enabled() -> bool:
    return bool(settings.AKISMET_API_KEY)


def _to_configured_service(request: httpx.Request) -> None:
    """The library always addresses rest.akismet.com/1.1/<operation>: send the request to AKISMET_URL."""
    operation = request.url.path.rsplit("/", 1)[-1]
    request.url = httpx.URL(f"{settings.AKISMET_URL}/{operation}")
    request.headers["Host"] = request.url.netloc.decode("ascii")


def comment_check(comment: Comment, context: dict) -> bool:
    """True when the service says the comment is spam (or blatant spam, Akismet's "discard")."""
    author = comment.author
    optional: akismet.AkismetArguments = {
        "user_agent": context.get("browser") or "",
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
        optional["comment_post_modified_gmt"] = comment.edited_at.isoformat()
    config = akismet.Config(key=settings.AKISMET_API_KEY, url=settings.SITE_URL)
    with httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=TIMEOUT,
        event_hooks={"request": [_to_configured_service]},
    ) as http:
        # The plain constructor, not validated_client(): a key check would cost a second request per comment.
        client = akismet.SyncClient(config=config, http_client=http)
        try:
            # Tribune never keeps the reader's address (forum/lib/privacy.py) and the check runs later in a
            # worker, so Akismet is not sent one: it judges the text, the author and the browser family.
            answer = client.comment_check("", **optional)
        except akismet.AkismetError as exc:
            raise AkismetUnavailable(str(exc).strip()) from exc
    return answer in (akismet.CheckResponse.SPAM, akismet.CheckResponse.DISCARD)
