"""The article page, assembled at the site level from the apps' own functions.

articles.views.ArticleDetailView draws an article and knows nothing of the discussion; ArticlePageView adds
it: the page of threads (forum.comments.threads.discussion_page) and one per-viewer object, built by
`build_viewer` from the comments' part (forum.comments.viewer), moderation's (forum.moderation.viewer) and
following (forum.notifications.following), and the nodes' HTML from both (forum.comments.rendering:
render_nodes, Jinja2, with the cached shared part of each comment). forum.comments' views build their
fragments' viewer through the same function (settings.COMMENTS_VIEWER names it), so every page and fragment
shows the same controls.
"""

import secrets
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles.views import ArticleDetailView
from forum.comments import threads
from forum.comments.forms import CommentForm
from forum.comments.rendering import nodes_bytes
from forum.comments.threads import Discussion
from forum.comments.viewer import Row, Viewer
from forum.moderation.viewer import HidingNote, ModerationState, ModerationUrls, moderation_state
from forum.notifications.following import FollowingState, following_state


@dataclass
class SiteRow(Row):
    """A comment's per-viewer part on this site: the comments' part, with moderation's and following's."""

    note: HidingNote | None = None  # on a hidden comment the viewer may read
    moderation_urls: ModerationUrls | None = None
    following: bool = False  # on a top-level comment: the viewer follows its thread
    follow_url: str = ""
    unfollow_url: str = ""

    def variant(self) -> tuple | None:
        """A moderation note is text about this comment for this reader: such a row is theirs alone."""
        if self.note is not None:
            return None
        return (*super().variant(), self.following, self.follow_url, self.unfollow_url)


class SiteViewer(Viewer):
    """The comments' viewer with moderation's part (controls, notes) and following's (the follow buttons)."""

    def __init__(
        self, user, discussion: Discussion, *, moderation: ModerationState, following: FollowingState
    ) -> None:
        super().__init__(user, discussion, can_moderate=moderation.can_moderate)
        self.moderation, self.following = moderation, following

    def build_row(self, index: int, *, generic: bool) -> SiteRow:
        row = super().build_row(index, generic=generic)
        comment = row.comment
        site_row = SiteRow(
            node=row.node,
            actions=row.actions,
            urls=row.urls,
            thread_root_id=row.thread_root_id,
            note=None if generic else self.moderation.notes.get(comment.pk),
            moderation_urls=self.moderation.links.of(comment.pk),
        )
        following = self.following
        if following.show and comment.is_thread_root:
            site_row.following = not generic and comment.pk in following.threads
            site_row.follow_url = following.follow_thread_url(comment.pk)
            site_row.unfollow_url = following.unfollow_thread_url(comment.pk)
        return site_row

    def marked(self) -> set[int]:
        """The comments' marks, and the rows with a moderation note or a followed thread."""
        marked = super().marked()
        notes, followed = self.moderation.notes, self.following.threads
        if notes or followed:
            for index, node in enumerate(self.discussion.nodes):
                pk = node.comment.pk
                if pk in notes or (node.comment.is_thread_root and pk in followed):
                    marked.add(index)
        return marked

    def part_key(self) -> tuple:
        return (*super().part_key(), self.moderation.can_close, self.following.show)


def build_viewer(request: HttpRequest, discussion: Discussion) -> SiteViewer:
    """Everything per-viewer on a discussion page or fragment (the COMMENTS_VIEWER of this site)."""
    user = request.user
    article = discussion.article
    shown = [node.comment for node in discussion.nodes if not node.placeholder]
    return SiteViewer(
        user,
        discussion,
        moderation=moderation_state(article, shown, user),
        following=following_state(user, article),
    )


def follow_button(request: HttpRequest, following: FollowingState) -> SafeString:
    """The discussion header's follow button (the Jinja2 partial the threads' buttons use too)."""
    if not following.show:
        return SafeString("")
    context = {
        "show": True,
        "following": following.article,
        "follow_url": following.follow_article_url,
        "unfollow_url": following.unfollow_article_url,
        "target": "article",
    }
    return mark_safe(
        render_to_string("notifications/_follow_button.html", context, request=request, using="jinja2")
    )


# Where the nodes go in the rendered page: random per process, so no text of the page can hold it.
NODES_SLOT = f"<!--nodes-{secrets.token_hex(16)}-->"


def discussion_context(request: HttpRequest, article, comment_form: CommentForm | None = None) -> dict:
    """The article page's discussion: the page of threads the query asks for, its viewer, the nodes it sees
    (rendered in Python: forum.comments.rendering, encoded, to go into the page in place of NODES_SLOT), the
    header's follow button and the form."""
    discussion = threads.discussion_page(
        article, request.user, sort=request.GET.get("sort"), page_number=request.GET.get("page", 1)
    )
    viewer = build_viewer(request, discussion)
    return {
        "discussion": discussion,
        "viewer": viewer,
        "nodes": SafeString(NODES_SLOT),
        "nodes_bytes": nodes_bytes(request, discussion, viewer),
        "follow_button": follow_button(request, viewer.following),
        "form": comment_form or CommentForm(),
    }


class ArticlePageView(ArticleDetailView):
    """`articles:detail` on this site: the article (ArticleDetailView) and its discussion.

    The nodes (a megabyte or more on a big page) are put into the rendered page once, in place of
    NODES_SLOT: handed to the templates, they would be copied again by every block and tag around them."""

    template_name = "pages/article.html"
    comment_form: CommentForm | None = None  # a failed post re-renders the page with its form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(discussion_context(self.request, self.object, self.comment_form))
        self.nodes = context.pop("nodes_bytes")
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(self.put_nodes_in)
        return response

    def put_nodes_in(self, response) -> None:
        before, slot, after = response.content.partition(NODES_SLOT.encode())
        if slot:
            response.content = b"".join([before, self.nodes, after])
