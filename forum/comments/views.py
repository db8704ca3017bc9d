"""Thin views over posting.py, threads.py and paging.py. Every write works as a plain form (POST, then a
redirect to `#comment-<id>`) and, when htmx asks, answers with the fragment to swap in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.models import Article
from forum import limits
from forum.comments import paging, posting, rules, threads
from forum.comments.forms import CommentForm, EditForm
from forum.comments.models import Comment
from forum.comments.rendering import render_nodes
from forum.comments.rules import can_moderate
from forum.comments.viewer import build_viewer


def render_discussion(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render a template of discussion nodes with the page's one per-viewer object (viewer.build_viewer) and
    the nodes it sees (rendering.render_nodes)."""
    viewer = context["viewer"] = build_viewer(request, context["discussion"])
    context["nodes"] = render_nodes(request, context["discussion"], viewer)
    return render(request, template, context, status=status)


def get_article(slug: str) -> Article:
    return get_object_or_404(Article.objects.published(), slug=slug)


def get_comment_for_user(user, slug: str | None, pk: int) -> Comment:
    """The one permission-checked comment lookup, for the comments and the moderation views: 404 for a
    comment this reader may not open. That is someone else's pending comment or spam (unless replies below
    it keep it as a placeholder), and any comment of an unpublished article unless the reader moderates.
    `slug` is the article's, when the URL names it."""
    comments = Comment.objects.select_related("article", "author")
    if slug is not None:
        comments = comments.filter(article__slug=slug)
    comment = get_object_or_404(comments, pk=pk)
    moderator = can_moderate(user)
    if not moderator and not comment.article.is_published():
        raise Http404("No published article at this address.")
    if not comment.is_visible_to(user, can_moderate=moderator) and not comment.has_replies:
        raise Http404("No comment at this address.")
    return comment


def article_url(comment: Comment, user, sort: str = threads.DEFAULT_SORT, page: int | None = None) -> str:
    if page is None:
        page = paging.page_of_thread(comment, user, sort)
    query = []
    if sort != threads.DEFAULT_SORT:
        query.append(f"sort={sort}")
    if page > 1:
        query.append(f"page={page}")
    suffix = f"?{'&'.join(query)}" if query else ""
    return f"{comment.article.get_absolute_url()}{suffix}#comment-{paging.anchor_on_article_page(comment)}"


def after_write_url(comment: Comment, user) -> str:
    """Where a plain form lands after a write: the comment in the discussion, or on its own page when it lies
    below the display depth (on the article page it would be behind "Continue this thread")."""
    if paging.anchor_on_article_page(comment) != comment.pk:
        return f"{comment.get_absolute_url()}#comment-{comment.pk}"
    return article_url(comment, user)


def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or None
    if request.htmx:
        return render(request, "comments/_refused.html", {"message": message}, status=403)
    raise exc


def render_thread(
    request: HttpRequest, article: Article, comment: Comment, status: int = 200, count_changed: bool = False
) -> HttpResponse:
    """The thread of a comment as the article page shows it; after a write that changed the count, the
    header's count too (an out-of-band swap)."""
    discussion = threads.thread(article, comment.thread_id, request.user, sort=request.POST.get("sort"))
    discussion.highlight = comment.pk
    if count_changed:
        article.refresh_from_db(fields=["comment_count"])
    context = {"discussion": discussion, "article": article, "count_changed": count_changed}
    return render_discussion(request, "comments/_thread.html", context, status=status)


@login_required
@require_POST
@limits.limited("post")
def post(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_article(slug)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        if parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id).first()
            if parent is None:
                form.add_error(None, ValidationError(_("The comment you are replying to no longer exists.")))
    if form.is_valid():
        form.reply_to = parent
        try:
            comment = posting.post_comment(
                article=article,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                context=form.request_context(request),
            )
        except PermissionDenied as exc:
            return refused(request, exc)
        except posting.DuplicateComment as exc:
            add_posting_error(form, exc)
            return form_error(request, article, form, parent, status=409)
        except ValidationError as exc:
            add_posting_error(form, exc)
        else:
            if request.htmx:
                if parent is None:
                    response = render_new_thread(request, article, comment)
                else:
                    response = render_thread(request, article, comment, status=201, count_changed=True)
                response["HX-Trigger"] = "comment-posted"
                return response
            return redirect(after_write_url(comment, request.user))
    return form_error(request, article, form, parent, status=400)


def render_new_thread(request: HttpRequest, article: Article, comment: Comment) -> HttpResponse:
    """A new top-level thread, inserted where a reload would show it in the reader's sort, among the pages on
    their screen (the form posts the first, "Load more" the next one to fetch). When its page is not on
    screen, a note with a link to it goes beside the form instead."""
    sort = threads.parse_sort(request.POST.get("sort"))
    next_page = request.POST.get("next_page")
    placement = paging.place_new_thread(
        comment,
        request.user,
        sort=sort,
        first_page=threads.parse_page(request.POST.get("page")),
        next_page=threads.parse_page(next_page) if next_page else None,
    )
    if not placement.on_screen:
        article.refresh_from_db(fields=["comment_count"])
        context = {
            "article": article,
            "page": placement.page,
            "url": article_url(comment, request.user, sort, page=placement.page),
        }
        response = render(request, "comments/_posted_elsewhere.html", context, status=201)
        response["HX-Retarget"] = "#comment-form-status"
        response["HX-Reswap"] = "innerHTML"
        return response
    response = render_thread(request, article, comment, status=201, count_changed=True)
    if placement.after is None:
        response["HX-Retarget"], response["HX-Reswap"] = "#comment-list", "afterbegin"
    else:
        response["HX-Retarget"], response["HX-Reswap"] = f"#thread-{placement.after}", "afterend"
    return response


def add_posting_error(form, exc: ValidationError) -> None:
    """Show posting's errors on the body field, or above the form for anything else (the parent)."""
    for field, messages in exc.message_dict.items():
        form.add_error("body" if field == "body" else None, messages)


def form_error(request, article, form, parent, status) -> HttpResponse:
    if parent is not None and parent.article_id != article.pk:
        parent = None
    form.reply_to = parent
    if request.htmx:
        response = render(
            request,
            "comments/_form.html",
            {"form": form, "article": article, "reply_to": parent},
            status=status,
        )
        # The form answers in place, wherever a successful post would have gone.
        response["HX-Retarget"] = f"#reply-form-{parent.pk}" if parent is not None else "#comment-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    if parent is not None:
        discussion = threads.subtree(parent, request.user)
        return render_discussion(
            request,
            "comments/permalink.html",
            {
                "article": article,
                "discussion": discussion,
                "reply_form": form,
                "back_url": article_url(parent, request.user),
            },
            status=status,
        )
    return article_page(request, article, form, status)


def article_page(request: HttpRequest, article: Article, form: CommentForm, status: int) -> HttpResponse:
    """The article page as the site serves it (the view its URLconf names for the article's address), with
    the form that failed in place of a blank one."""
    view_class = resolve(article.get_absolute_url()).func.view_class
    view = view_class(comment_form=form)
    view.setup(request, slug=article.slug)
    view.object = article
    response = view.render_to_response(view.get_context_data(object=article))
    response.status_code = status
    return response


def get_reply_after(request: HttpRequest, comment: Comment) -> Comment | None:
    """The reply named by `?after=<id>`, from which the next replies are shown; None without one. A value
    that is not a number is a 400; one that is not a reply of this comment, a 404."""
    value = request.GET.get("after")
    if not value:
        return None
    if not value.isdigit():
        raise BadRequest(_("“after” must be the number of a reply."))
    reply = Comment.objects.filter(pk=int(value), parent=comment).first()
    if reply is None:
        raise Http404("No such reply to this comment.")
    return reply


@require_GET
def permalink(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, slug, pk)
    after = get_reply_after(request, comment)
    discussion = threads.subtree(comment, request.user, sort=request.GET.get("sort"), after=after)
    context = {
        "article": comment.article,
        "discussion": discussion,
        "back_url": article_url(comment, request.user),
    }
    if "reply" in request.GET and rules.is_logged_in(request.user) and rules.offers_reply(comment):
        context["reply_form"] = CommentForm(reply_to=comment)
    return render_discussion(request, "comments/permalink.html", context)


@require_GET
def reply_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, slug, pk)
    if not request.htmx:
        return redirect(f"{comment.get_absolute_url()}?reply#reply-form")
    if not rules.is_logged_in(request.user):
        return render(request, "comments/_login_to_reply.html", {"comment": comment})
    form = CommentForm(reply_to=comment)
    return render(
        request, "comments/_form.html", {"form": form, "article": comment.article, "reply_to": comment}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, slug, pk)
    if not comment.is_written_by(request.user):
        raise PermissionDenied(_("You can only edit your own comments."))
    try:
        posting.check_can_edit(comment, request.user)
    except PermissionDenied as exc:
        return refused(request, exc)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            posting.edit_comment(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except PermissionDenied as exc:
            return refused(request, exc)
        except ValidationError as exc:
            add_posting_error(form, exc)
        else:
            if request.htmx:
                return render_thread(request, comment.article, comment)
            return redirect(after_write_url(comment, request.user))
    template = "comments/_edit_form.html" if request.htmx else "comments/edit.html"
    status = 400 if form.errors else 200
    return render(
        request, template, {"form": form, "comment": comment, "article": comment.article}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST deletes. GET is the confirmation page that the Delete button leads to without JavaScript (with
    htmx the button posts at once, after the browser's confirm dialog)."""
    comment = get_comment_for_user(request.user, slug, pk)
    if request.method == "GET":
        posting.check_can_delete(comment, request.user)
        context = {
            "comment": comment,
            "article": comment.article,
            "has_replies": comment.has_replies,
            "back_url": after_write_url(comment, request.user),
        }
        return render(request, "comments/delete.html", context)
    try:
        removed = posting.delete_comment(comment=comment, user=request.user)
    except PermissionDenied as exc:
        return refused(request, exc)
    if request.htmx:
        if not Comment.objects.in_thread(comment.thread_id).exists():
            # The whole thread is gone: the swap removes it; only the header's count is sent.
            return render(
                request, "comments/_count.html", {"article": Article.objects.get(pk=comment.article_id)}
            )
        return render_thread(request, comment.article, comment, count_changed=True)
    if not removed:
        return redirect(after_write_url(comment, request.user))
    if comment.parent_id:
        return redirect(after_write_url(comment.parent, request.user))
    return redirect(f"{comment.article.get_absolute_url()}#discussion")


@login_required
@require_POST
@limits.limited("vote")
def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, slug, pk)
    try:
        voted = posting.toggle_vote(comment=comment, user=request.user)
    except PermissionDenied as exc:
        return refused(request, exc)
    if request.htmx:
        return render(
            request, "comments/_vote.html", {"comment": comment, "voted": voted, "article": comment.article}
        )
    return redirect(after_write_url(comment, request.user))


@require_GET
def threads_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The next page of top-level threads, for "Load more"."""
    article = get_article(slug)
    discussion = threads.discussion_page(
        article, request.user, sort=request.GET.get("sort"), page_number=request.GET.get("page", 1)
    )
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}?{request.GET.urlencode()}#discussion")
    return render_discussion(
        request, "comments/_threads_page.html", {"discussion": discussion, "article": article}
    )


@require_GET
def continue_thread(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, slug, pk)
    if not request.htmx:
        return redirect(comment.get_absolute_url())
    discussion = threads.continuation(comment, request.user, sort=request.GET.get("sort"))
    return render_discussion(
        request, "comments/_continuation.html", {"discussion": discussion, "article": comment.article}
    )


@require_GET
def more_replies(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "Show N more replies": the next replies of a comment with their own replies, bounded like a page, to
    replace the link in place. Without htmx, the comment's page shows them."""
    comment = get_comment_for_user(request.user, slug, pk)
    after = get_reply_after(request, comment)
    if not request.htmx:
        return redirect(f"{comment.get_absolute_url()}?{request.GET.urlencode()}")
    discussion = threads.more_replies(comment, request.user, sort=request.GET.get("sort"), after=after)
    return render_discussion(
        request, "comments/_replies_page.html", {"discussion": discussion, "article": comment.article}
    )
