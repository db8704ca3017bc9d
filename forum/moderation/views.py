"""Thin views: check who asks, parse the form, call one function of the moderation modules, redirect back.

Every action takes POST with a CSRF token (405 otherwise) and answers 403 to whoever may not take it. A form
that does not validate, or an action the state of the comment refuses, answers 400 with the form and the
reason, so that a reader without JavaScript can correct it.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from forum import limits
from forum.comments.models import Comment
from forum.comments.views import after_write_url, get_comment_for_user
from forum.moderation import appeals, closing, reports, services, suspensions
from forum.moderation.forms import (
    CHOOSE_REASON,
    AppealDecisionForm,
    AppealForm,
    BulkForm,
    DeleteForm,
    HideForm,
    NoteForm,
    QueueFilterForm,
    ReportForm,
    SuspendForm,
)
from forum.moderation.models import HIDE_REASONS, Appeal, Suspension
from forum.moderation.permissions import can_close, can_moderate
from forum.moderation.queue import TABS, Queue

ROW_RELATIONS = ("article", "author")


def moderators_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_moderate(request.user):
            raise PermissionDenied(_("Only moderators can do that."))
        return view(request, *args, **kwargs)

    return wrapper


def closers_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_close(request.user):
            raise PermissionDenied(_("Only editors and moderators can close a discussion or lock a thread."))
        return view(request, *args, **kwargs)

    return wrapper


def readers_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Log in first."))
        return view(request, *args, **kwargs)

    return wrapper


def comment_url(comment: Comment, user) -> str:
    """Where the comment shows: its article's page (the right page of threads, anchored), or its own page
    when it lies below the display depth."""
    return after_write_url(comment, user)


def safe_next(request: HttpRequest) -> str:
    """The page the form was on (`next`), if it is on this site; "" otherwise."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def go_back(request: HttpRequest, default: str) -> HttpResponse:
    """POST/redirect/GET to the page the form was on, or to `default`."""
    return redirect(safe_next(request) or default)


def form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    comment: Comment | None = None,
    action: str = "",
    error: ValidationError | None = None,
    status: int = 400,
    in_place: bool = False,
) -> HttpResponse:
    """The form on its own page (or as a fragment for htmx): to fill in, or again with what is wrong (400).
    With `in_place`, the htmx fragment posts itself and is answered in the comment's reply slot."""
    if error is not None:
        form.add_error(None, error.messages)
    context = {
        "title": title,
        "form": form,
        "action": action or request.path,
        "next": safe_next(request),
        "comment": comment,
        # A comment the viewer may not read is named by neither its author nor its text.
        "readable": comment is not None and comment.is_readable_by(request.user),
        "submit_label": getattr(form, "submit_label", _("Confirm")),
        "in_place": in_place,
        # Hidden fields (the ids of a bulk action) have no place of their own to show what is wrong.
        "hidden_errors": [error for field in form.hidden_fields() for error in field.errors],
    }
    template = "moderation/_form.html" if request.htmx else "moderation/form_page.html"
    return render(request, template, context, status=status)


def perform(
    request: HttpRequest,
    form,
    action: Callable[[dict], object],
    *,
    title: str,
    done: str,
    default: str,
    comment: Comment | None = None,
    in_place: bool = False,
) -> HttpResponse:
    """Validate, act, and go back with a message. With `in_place`, an htmx request is answered with the
    message itself, for the comment's reply slot (and a form with errors in its place)."""
    if not form.is_valid():
        return form_page(request, form, title=title, comment=comment, in_place=in_place)
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        return form_page(request, form, title=title, comment=comment, error=error, in_place=in_place)
    if in_place and request.htmx:
        return render(request, "moderation/_done.html", {"message": done})
    messages.success(request, done)
    return go_back(request, default)


# -- the queue -----------------------------------------------------------------------------------------------
@require_GET
@login_required
@moderators_only
def queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    current = Queue(
        request.GET.get("tab", "reported"),
        article_id=cleaned.get("article"),
        author=cleaned.get("author", ""),
    )
    page, rows = current.page(request.GET.get("page"))
    counts = current.counts()
    # A filter that cannot apply (not a number, or a number no article can have) is said and ignored.
    status = 400 if filters.errors else 200
    context = {
        "tab": current.tab,
        "tabs": [(key, label, counts[key]) for key, label in TABS.items()],
        "page_obj": page,
        "rows": rows,
        "filters": filters,
        "articles": current.article_choices(),
        "bulk_form": BulkForm(),
        # Plain lists: the rows' forms loop over them without resolving form fields each time.
        "hide_reasons": HIDE_REASONS,
        "choose_reason": CHOOSE_REASON,
        "durations": Suspension.Duration.choices,
        "decisions": AppealDecisionForm.base_fields["decision"].choices,
    }
    return render(request, "moderation/queue.html", context, status=status)


@require_POST
@moderators_only
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    title = _("Act on several comments")
    if not form.is_valid():
        return form_page(request, form, title=title)
    ids = form.selected_ids()
    if not ids:
        form.add_error("comments", _("Select at least one comment."))
        return form_page(request, form, title=title)
    comments = list(Comment.objects.select_related(*ROW_RELATIONS).filter(pk__in=ids).order_by("pk"))
    found = {comment.pk for comment in comments}
    result = services.bulk(
        comments=comments,
        action=form.cleaned_data["action"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
    )
    if result.done:
        messages.success(
            request,
            ngettext("%(count)s comment done.", "%(count)s comments done.", result.done)
            % {"count": result.done},
        )
    skipped = [
        *((comment_id, _("It no longer exists.")) for comment_id in sorted(set(ids) - found)),
        *result.skipped,
    ]
    for comment_id, why in skipped:
        messages.warning(request, _("Comment %(id)s skipped: %(why)s") % {"id": comment_id, "why": why})
    return go_back(request, reverse("moderation:queue"))


# -- moderators' actions on one comment ---------------------------------------------------------------------
@require_POST
@moderators_only
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        HideForm(request.POST),
        lambda data: services.hide(comment=comment, actor=request.user, **data),
        title=_("Hide a comment"),
        done=_("The comment is hidden."),
        default=comment_url(comment, request.user),
        comment=comment,
    )


@require_POST
@moderators_only
def unhide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: services.unhide(comment=comment, actor=request.user, **data),
        title=_("Show a hidden comment again"),
        done=_("The comment is shown again."),
        default=comment_url(comment, request.user),
        comment=comment,
    )


@require_POST
@moderators_only
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: services.approve(comment=comment, actor=request.user, **data),
        title=_("Approve a comment"),
        done=_("The comment is approved."),
        default=comment_url(comment, request.user),
        comment=comment,
    )


@require_POST
@moderators_only
def spam(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: services.mark_spam(comment=comment, actor=request.user, **data),
        title=_("Mark a comment as spam"),
        done=_("The comment is marked as spam."),
        default=comment_url(comment, request.user),
        comment=comment,
    )


@require_POST
@moderators_only
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        DeleteForm(request.POST),
        lambda data: services.delete_for_good(
            comment=comment, actor=request.user, reason=data["reason"], note=data["note"]
        ),
        title=_("Delete a comment for good"),
        done=_("The comment is deleted for good."),
        default=comment.article.get_absolute_url(),
        comment=comment,
    )


@require_POST
@closers_only
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: closing.lock_replies(comment=comment, actor=request.user, **data),
        title=_("Lock the replies"),
        done=_("No new replies can be posted below this comment."),
        default=comment_url(comment, request.user),
        comment=comment,
    )


@require_POST
@closers_only
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: closing.unlock_replies(comment=comment, actor=request.user, **data),
        title=_("Unlock the replies"),
        done=_("Replies below this comment are open again."),
        default=comment_url(comment, request.user),
        comment=comment,
    )


@require_POST
@closers_only
def close_article(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: closing.close_comments(article=article, actor=request.user, **data),
        title=_("Close the comments"),
        done=_("Comments are closed on this article."),
        default=f"{article.get_absolute_url()}#discussion",
    )


@require_POST
@closers_only
def reopen_article(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: closing.reopen_comments(article=article, actor=request.user, **data),
        title=_("Reopen the comments"),
        done=_("Comments are open again on this article."),
        default=f"{article.get_absolute_url()}#discussion",
    )


@require_POST
@moderators_only
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    form = SuspendForm(request.POST)

    def act(data: dict) -> None:
        comment = Comment.objects.filter(pk=data["comment"]).first() if data.get("comment") else None
        suspensions.suspend(
            user=user, duration=data["duration"], reason=data["reason"], actor=request.user, comment=comment
        )

    return perform(
        request,
        form,
        act,
        title=_("Suspend a reader"),
        done=_("%(name)s is suspended.") % {"name": user.public_name},
        default=reverse("moderation:queue"),
    )


@require_POST
@moderators_only
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = get_object_or_404(Suspension.objects.select_related("user"), pk=pk)
    return perform(
        request,
        NoteForm(request.POST),
        lambda data: suspensions.lift_suspension(suspension=suspension, actor=request.user, **data),
        title=_("Lift a suspension"),
        done=_("The suspension of %(name)s is lifted.") % {"name": suspension.user.public_name},
        default=reverse("moderation:queue"),
    )


@require_POST
@moderators_only
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal, pk=pk)
    return perform(
        request,
        AppealDecisionForm(request.POST),
        lambda data: appeals.decide_appeal(
            appeal=appeal, actor=request.user, grant=data["decision"] == "grant", reason=data["reason"]
        ),
        title=_("Decide an appeal"),
        done=_("The appeal is decided; its author will be told."),
        default=f"{reverse('moderation:queue')}?tab=appeals",
    )


# -- the forms on their own (a link on the article page; htmx loads them in place) ---------------------------
@require_GET
@login_required
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    reports.check_can_report(comment, request.user)
    return form_page(
        request,
        ReportForm(),
        title=_("Report a comment"),
        comment=comment,
        action=reverse("moderation:report", args=[comment.pk]),
        status=200,
        in_place=True,
    )


@require_GET
@login_required
@moderators_only
def hide_form(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return form_page(
        request,
        HideForm(),
        title=_("Hide a comment"),
        comment=comment,
        action=reverse("moderation:hide", args=[comment.pk]),
        status=200,
    )


@require_GET
@login_required
@moderators_only
def delete_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation deleting for good asks for, on a page of its own (it works without JavaScript)."""
    comment = get_comment_for_user(request.user, None, pk)
    return form_page(
        request,
        DeleteForm(),
        title=_("Delete a comment for good"),
        comment=comment,
        action=reverse("moderation:delete", args=[comment.pk]),
        status=200,
    )


@require_GET
@login_required
def appeal_form(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    appeals.check_can_appeal(comment, request.user)
    return form_page(
        request,
        AppealForm(),
        title=_("Appeal against the hiding of your comment"),
        comment=comment,
        action=reverse("moderation:appeal", args=[comment.pk]),
        status=200,
    )


# -- readers -------------------------------------------------------------------------------------------------
@require_POST
@readers_only
@limits.limited("report")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        ReportForm(request.POST),
        lambda data: reports.report(comment=comment, reporter=request.user, **data),
        title=_("Report a comment"),
        done=_("Thank you. The moderators will look at this comment."),
        default=comment_url(comment, request.user),
        comment=comment,
        in_place=True,
    )


@require_POST
@readers_only
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request.user, None, pk)
    return perform(
        request,
        AppealForm(request.POST),
        lambda data: appeals.appeal(comment=comment, author=request.user, **data),
        title=_("Appeal against the hiding of your comment"),
        done=_("Your appeal is with the moderators. You will be told of their decision."),
        default=comment_url(comment, request.user),
        comment=comment,
    )
