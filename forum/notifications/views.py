"""The inbox, the e-mail preferences, one-click unsubscribe, and the follow buttons. Thin views: the work is
in models.py and following.py."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from forum import limits
from forum.comments.models import Comment
from forum.notifications import emails, following
from forum.notifications.forms import PreferencesForm
from forum.notifications.models import EmailMode, Kind, Notification, Preference

PER_PAGE = 25


@login_required
@require_http_methods(["GET"])
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = (
        Notification.objects.for_inbox(request.user)
        .unread_first()
        .select_related("comment__article", "comment__author", "comment__appeal", "actor")
    )
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "notifications": page.object_list})


def back_to(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET"])
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """The inbox's link to what a notification is about: opening it is reading it."""
    notification = get_object_or_404(
        Notification.objects.for_inbox(request.user).select_related("comment"), pk=pk
    )
    Notification.objects.filter(pk=notification.pk).mark_read()
    return redirect(f"{notification.comment.get_absolute_url()}#comment-{notification.comment_id}")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=notification.pk).mark_read()
    if request.htmx:
        notification.refresh_from_db()
        return render(request, "notifications/_item.html", {"notification": notification})
    return redirect(back_to(request, reverse("notifications:inbox")))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user).mark_read()
    return redirect(reverse("notifications:inbox"))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(reverse("notifications:preferences") + "?saved=1")
    status = 400 if form.errors else 200
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "saved": "saved" in request.GET},
        status=status,
    )


@csrf_exempt  # the signed token is the credential: mail providers POST here without cookies (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button (link checkers must not unsubscribe anyone); POST unsubscribes."""
    try:
        user_id, scope = emails.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("No such reader.")
    if scope == emails.DIGEST_SCOPE:
        kinds = [k for k, mode in Preference.objects.modes_for(user).items() if mode == EmailMode.DIGEST]
    else:
        kinds = [scope]
    done = request.method == "POST"
    if done:
        for kind in kinds:
            Preference.objects.set_mode(user, kind, EmailMode.OFF)
    # The page answers the e-mail it came from, in the e-mail's language (the reader's choice, if made).
    language = user.language or translation.get_language()
    with translation.override(language):
        labels = [str(Kind(kind).label) for kind in kinds]
        context = {"done": done, "labels": labels, "digest": scope == emails.DIGEST_SCOPE, "token": token}
        response = render(request, "notifications/unsubscribe.html", context)
    response.headers["Content-Language"] = language
    return response


def follow_response(request: HttpRequest, context: dict, default_url: str) -> HttpResponse:
    if request.htmx:
        return render(request, "notifications/_follow_button.html", context)
    return redirect(back_to(request, default_url))


@login_required
@require_POST
@limits.limited("follow")
def follow_article(request: HttpRequest, pk: int, follow: bool) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), pk=pk)
    following.set_following_article(request.user, article, follow)
    context = {
        "show": True,
        "following": follow,
        "follow_url": reverse("notifications:follow_article", args=[article.pk]),
        "unfollow_url": reverse("notifications:unfollow_article", args=[article.pk]),
        "target": "article",
        "next": request.POST.get("next", ""),
    }
    return follow_response(request, context, article.get_absolute_url() + "#discussion")


@login_required
@require_POST
@limits.limited("follow")
def follow_thread(request: HttpRequest, pk: int, follow: bool) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("article").filter(article__in=Article.objects.published()), pk=pk
    )
    root = following.thread_root(comment)
    if not Comment.objects.filter(pk=root.pk).visible_to(request.user).exists():
        raise Http404("No thread at this address.")
    following.set_following_thread(request.user, root, follow)
    context = {
        "show": True,
        "following": follow,
        "follow_url": reverse("notifications:follow_thread", args=[root.pk]),
        "unfollow_url": reverse("notifications:unfollow_thread", args=[root.pk]),
        "target": "thread",
        "next": request.POST.get("next", ""),
    }
    return follow_response(request, context, f"{root.article.get_absolute_url()}#comment-{root.pk}")
