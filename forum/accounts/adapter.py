"""allauth's hooks: its e-mails are written in the recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from forum.accounts.models import User


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
