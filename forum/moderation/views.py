"""Thin views: check who asks, parse the form, call one function of the moderation modules, redirect back.

Every action takes POST with a CSRF token (405 otherwise) and answers 403 to whoever may not take it. A form
that does not validate, or an action the state of the comment refuses, answers 400 with the form and the
reason, so that a reader without JavaScript can correct it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from forum import limits
from forum.comments import rules
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
MODERATORS_ONLY = gettext_lazy("Only moderators can do that.")


def moderators_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_moderate(request.user):
            raise PermissionDenied(str(MODERATORS_ONLY))
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


# -- the actions on one comment, article, reader, suspension or appeal: one table over shared code ----------
def load_comment(request: HttpRequest, pk: int) -> Comment:
    return get_comment_for_user(request.user, None, pk)


def back_to_comment(request: HttpRequest, comment: Comment) -> str:
    return comment_url(comment, request.user)


@dataclass(frozen=True)
class Action:
    """One POST action: who may take it, what it acts on, the form it reads, the function it calls, what it
    says when done and where it goes back to; with `form_page`, also the GET page of its form."""

    form: type[forms.Form]
    act: Callable[[HttpRequest, Any, dict], object]  # (request, target, the form's cleaned data)
    title: str
    done: str  # the success message; may name the target's reader as %(name)s
    allowed: Callable[[Any], bool] = can_moderate  # asked of request.user; no is a 403 with `refusal`
    refusal: str = MODERATORS_ONLY
    load: Callable[[HttpRequest, int], Any] = load_comment  # the target, from the URL's pk
    back: Callable[[HttpRequest, Any], str] = back_to_comment  # where to go when the form has no `next`
    name: Callable[[Any], str] | None = None  # the %(name)s of `done`
    in_place: bool = False  # for htmx, the form posts itself and is answered in the comment's reply slot
    # A GET page of the form, for actions on one comment (action_form), with what it checks first.
    form_page: bool = False
    form_check: Callable[[Comment, Any], None] | None = None
    limit: str | None = None  # the reader's rate limit that the action counts against (forum/limits.py)


CLOSERS_ONLY = gettext_lazy("Only editors and moderators can close a discussion or lock a thread.")


def load_article(request: HttpRequest, pk: int) -> Article:
    return get_object_or_404(Article, pk=pk)


def back_to_discussion(request: HttpRequest, article: Article) -> str:
    return f"{article.get_absolute_url()}#discussion"


def back_to_queue(request: HttpRequest, target: Any) -> str:
    return reverse("moderation:queue")


def suspend_reader(request: HttpRequest, user, data: dict) -> None:
    comment = Comment.objects.filter(pk=data["comment"]).first() if data.get("comment") else None
    suspensions.suspend(
        user=user, duration=data["duration"], reason=data["reason"], actor=request.user, comment=comment
    )


ACTIONS: dict[str, Action] = {
    # Moderators, on one comment.
    "hide": Action(
        form=HideForm,
        act=lambda request, comment, data: services.hide(comment=comment, actor=request.user, **data),
        title=gettext_lazy("Hide a comment"),
        done=gettext_lazy("The comment is hidden."),
        form_page=True,
    ),
    "unhide": Action(
        form=NoteForm,
        act=lambda request, comment, data: services.unhide(comment=comment, actor=request.user, **data),
        title=gettext_lazy("Show a hidden comment again"),
        done=gettext_lazy("The comment is shown again."),
    ),
    "approve": Action(
        form=NoteForm,
        act=lambda request, comment, data: services.approve(comment=comment, actor=request.user, **data),
        title=gettext_lazy("Approve a comment"),
        done=gettext_lazy("The comment is approved."),
    ),
    "spam": Action(
        form=NoteForm,
        act=lambda request, comment, data: services.mark_spam(comment=comment, actor=request.user, **data),
        title=gettext_lazy("Mark a comment as spam"),
        done=gettext_lazy("The comment is marked as spam."),
    ),
    "delete": Action(
        form=DeleteForm,
        act=lambda request, comment, data: services.delete_for_good(
            comment=comment, actor=request.user, reason=data["reason"], note=data["note"]
        ),
        title=gettext_lazy("Delete a comment for good"),
        done=gettext_lazy("The comment is deleted for good."),
        # The comment is gone: back to its article.
        back=lambda request, comment: comment.article.get_absolute_url(),
        form_page=True,
    ),
    # Editors and moderators, on a thread or an article.
    "lock": Action(
        form=NoteForm,
        act=lambda request, comment, data: closing.lock_replies(comment=comment, actor=request.user, **data),
        title=gettext_lazy("Lock the replies"),
        done=gettext_lazy("No new replies can be posted below this comment."),
        allowed=can_close,
        refusal=CLOSERS_ONLY,
    ),
    "unlock": Action(
        form=NoteForm,
        act=lambda request, comment, data: closing.unlock_replies(
            comment=comment, actor=request.user, **data
        ),
        title=gettext_lazy("Unlock the replies"),
        done=gettext_lazy("Replies below this comment are open again."),
        allowed=can_close,
        refusal=CLOSERS_ONLY,
    ),
    "close": Action(
        form=NoteForm,
        load=load_article,
        act=lambda request, article, data: closing.close_comments(
            article=article, actor=request.user, **data
        ),
        title=gettext_lazy("Close the comments"),
        done=gettext_lazy("Comments are closed on this article."),
        back=back_to_discussion,
        allowed=can_close,
        refusal=CLOSERS_ONLY,
    ),
    "reopen": Action(
        form=NoteForm,
        load=load_article,
        act=lambda request, article, data: closing.reopen_comments(
            article=article, actor=request.user, **data
        ),
        title=gettext_lazy("Reopen the comments"),
        done=gettext_lazy("Comments are open again on this article."),
        back=back_to_discussion,
        allowed=can_close,
        refusal=CLOSERS_ONLY,
    ),
    # Moderators, on readers and appeals.
    "suspend": Action(
        form=SuspendForm,
        load=lambda request, pk: get_object_or_404(get_user_model(), pk=pk),
        act=suspend_reader,
        title=gettext_lazy("Suspend a reader"),
        done=gettext_lazy("%(name)s is suspended."),
        name=lambda user: user.public_name,
        back=back_to_queue,
    ),
    "lift": Action(
        form=NoteForm,
        load=lambda request, pk: get_object_or_404(Suspension.objects.select_related("user"), pk=pk),
        act=lambda request, suspension, data: suspensions.lift_suspension(
            suspension=suspension, actor=request.user, **data
        ),
        title=gettext_lazy("Lift a suspension"),
        done=gettext_lazy("The suspension of %(name)s is lifted."),
        name=lambda suspension: suspension.user.public_name,
        back=back_to_queue,
    ),
    "decide": Action(
        form=AppealDecisionForm,
        load=lambda request, pk: get_object_or_404(Appeal, pk=pk),
        act=lambda request, appeal, data: appeals.decide_appeal(
            appeal=appeal, actor=request.user, grant=data["decision"] == "grant", reason=data["reason"]
        ),
        title=gettext_lazy("Decide an appeal"),
        done=gettext_lazy("The appeal is decided; its author will be told."),
        back=lambda request, appeal: f"{reverse('moderation:queue')}?tab=appeals",
    ),
    # Readers, on a comment (their own, for an appeal).
    "report": Action(
        form=ReportForm,
        act=lambda request, comment, data: reports.report(comment=comment, reporter=request.user, **data),
        title=gettext_lazy("Report a comment"),
        done=gettext_lazy("Thank you. The moderators will look at this comment."),
        allowed=rules.is_logged_in,
        refusal=gettext_lazy("Log in first."),
        in_place=True,
        form_page=True,
        form_check=reports.check_can_report,
        limit="report",
    ),
    "appeal": Action(
        form=AppealForm,
        act=lambda request, comment, data: appeals.appeal(comment=comment, author=request.user, **data),
        title=gettext_lazy("Appeal against the hiding of your comment"),
        done=gettext_lazy("Your appeal is with the moderators. You will be told of their decision."),
        allowed=rules.is_logged_in,
        refusal=gettext_lazy("Log in first."),
        form_page=True,
        form_check=appeals.check_can_appeal,
    ),
}


@require_POST
def take_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST /moderation/<target>/<pk>/<action>/: the one view of every entry of ACTIONS."""
    entry = ACTIONS[action]
    if entry.limit is not None:
        return limits.limited(entry.limit)(_take_action)(request, entry, pk)
    return _take_action(request, entry, pk)


def _take_action(request: HttpRequest, entry: Action, pk: int) -> HttpResponse:
    if not entry.allowed(request.user):
        raise PermissionDenied(str(entry.refusal))
    target = entry.load(request, pk)
    done = str(entry.done)
    if entry.name is not None:
        done = done % {"name": entry.name(target)}
    return perform(
        request,
        entry.form(request.POST),
        lambda data: entry.act(request, target, data),
        title=str(entry.title),
        done=done,
        default=entry.back(request, target),
        comment=target if isinstance(target, Comment) else None,
        in_place=entry.in_place,
    )


@require_GET
@login_required
def action_form(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET …/<action>/form/: the form of an action on one comment, on a page of its own (a link on the
    article page; htmx loads it in place), for whoever may take the action."""
    entry = ACTIONS[action]
    if not entry.form_page:
        raise Http404
    if not entry.allowed(request.user):
        raise PermissionDenied(str(entry.refusal))
    comment = entry.load(request, pk)
    if entry.form_check is not None:
        entry.form_check(comment, request.user)
    return form_page(
        request,
        entry.form(),
        title=str(entry.title),
        comment=comment,
        action=reverse(f"moderation:{action}", args=[comment.pk]),
        status=200,
        in_place=entry.in_place,
    )
