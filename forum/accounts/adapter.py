"""allauth's account adapter, adjusted where Tribune decides: the language of its e-mails, how the client's
address is read, and what a failed login counts against."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation

from forum.accounts.models import User
from forum.lib.client import client_ip


def recipient(email: str, context: dict) -> User | None:
    user = context.get("user")
    if isinstance(user, User):
        return user
    return User.objects.filter(email__iexact=email).first()


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # A reader who chose a language gets it whatever the browser that asked; otherwise (a new account
        # being verified, an unknown address) the language of the request that caused the e-mail.
        user = recipient(email, context)
        code = (user.language if user else "") or translation.get_language()
        with translation.override(code):
            super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request: HttpRequest) -> str:
        # Read behind proxies as the rest of the site reads it (TRUSTED_PROXY_COUNT); allauth's own
        # reading has its own setting, which could disagree.
        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth counts failed logins per account ("login_failed" rate "…/key"), so a stranger who types
        wrong passwords could lock the owner out everywhere. The key names the account AND the address: the
        stranger locks out only their own address; the per-address rate still stops guessing many accounts.
        allauth has no public hook for this key; tests/accounts/test_login_lockout.py pins the behaviour, so
        an allauth upgrade that renames the method fails loudly."""
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{self.get_client_ip(request)}"
