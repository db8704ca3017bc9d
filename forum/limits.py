"""Hard rate limits on readers' writes: posting, reports, votes and follows (docs/rate-limits.md).

The counters live in the shared cache (Redis in production), so a limit holds across processes and hosts.
They are allauth's rate-limit engine, the one that already guards logins and signups: a sliding log of
timestamps per reader under a short cache lock, so "once every 30 s" means 30 s from the last post and not
a window boundary. Our rates come from settings.RATE_LIMITS, in allauth's syntax ("1/30s,10/1d").

A view applies its limit with `@limited("post")`, inside `login_required`/`require_POST`. A refused write
answers 429 with Retry-After before the view runs; a write that fails anyway (a form error, a 403) gives its
slot back, so only what was stored counts.
"""

import math
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from allauth.core.internal import ratelimit as engine
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The cache keys' namespace ("allauth:rl:forum:<bucket>:<rate>:user:<id>"), apart from allauth's own.
APP = "forum"
ACTIONS = ("post", "report", "vote", "follow")


class RateLimited(Exception):
    def __init__(self, action: str, retry_after: int):
        super().__init__(action, retry_after)
        self.action = action
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        wait = duration(self.retry_after)
        messages = {
            "post": _("You are posting too fast: try again in %(wait)s."),
            "report": _("You are reporting too fast: try again in %(wait)s."),
            "vote": _("You are voting too fast: try again in %(wait)s."),
            "follow": _("You are following and unfollowing too fast: try again in %(wait)s."),
        }
        return messages[self.action] % {"wait": wait}


def duration(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if seconds < 2 * 3600:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def is_new_account(user) -> bool:
    """A day-one account: younger than RATE_LIMIT_NEW_ACCOUNT_HOURS, or with fewer than
    RATE_LIMIT_NEW_ACCOUNT_COMMENTS published comments."""
    from forum.comments.models import Comment

    if user.date_joined > timezone.now() - timedelta(hours=settings.RATE_LIMIT_NEW_ACCOUNT_HOURS):
        return True
    needed = settings.RATE_LIMIT_NEW_ACCOUNT_COMMENTS
    published = Comment.objects.filter(author=user, status=Comment.Status.PUBLISHED)[:needed].count()
    return published < needed


def bucket_for(action: str, user) -> str:
    """The name of the counters (and of the RATE_LIMITS entry) that apply to this reader."""
    if action == "post" and is_new_account(user):
        return "post_new_account"
    return action


def config_for(bucket: str) -> dict[str, str]:
    rates = settings.RATE_LIMITS[bucket]
    return {bucket: ",".join(f"{rate.strip()}/user" for rate in rates.split(",") if rate.strip())}


def seconds_to_wait(request: HttpRequest, bucket: str, config: dict[str, str], user) -> int:
    """Until the oldest timestamp that keeps a rate full leaves its window (the log is newest first)."""
    now = time.time()
    wait = 0.0
    for rate in engine.get_rates(app=APP, action=bucket, config=config):
        key = engine.get_cache_key(request, app=APP, action=bucket, rate=rate, user=user)
        history = [stamp for stamp in cache.get(key, []) if stamp > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(wait))


def consume(request: HttpRequest, action: str) -> engine.RateLimitUsage | None:
    """Take one slot of the reader's `action` limits, or raise RateLimited (and take nothing)."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    user = request.user
    bucket = bucket_for(action, user)
    config = config_for(bucket)
    options = {"app": APP, "action": bucket, "config": config, "user": user, "limit_get": True}
    # A dry run first: the engine records a hit on the rates it passes before one refuses, and a refused
    # write must not count.
    usage = None
    if engine.consume(request, dry_run=True, **options) is not None:
        usage = engine.consume(request, **options)
    if usage is None:
        raise RateLimited(action, seconds_to_wait(request, bucket, config, user))
    return usage


def back_url(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return "/"


def too_many_requests(request: HttpRequest, refusal: RateLimited) -> HttpResponse:
    """429 with Retry-After: with htmx a fragment (the form or button stays as it is; the message goes out of
    band into the page's #rate-limit-message), otherwise a page of its own with a link back."""
    context = {"message": refusal.message, "back_url": back_url(request)}
    if request.htmx:
        response = render(request, "_rate_limited.html", context, status=429)
        response["HX-Reswap"] = "none"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def limited(action: str) -> Callable:
    """Apply the reader's `action` limits to a write view (inside login_required and require_POST)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown rate-limited action {action!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                usage = consume(request, action)
            except RateLimited as refusal:
                return too_many_requests(request, refusal)
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                if usage is not None:
                    usage.rollback()
                raise
            if usage is not None and response.status_code >= 400:
                usage.rollback()
            return response

        return wrapper

    return decorate
