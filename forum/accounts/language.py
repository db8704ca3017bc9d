"""The reader's language: from the browser (Accept-Language) for guests, from the cookie once they pick one,
from the account once they sign up or pick one while logged in. URLs never carry a language prefix."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def supported(code: str) -> str:
    """One of settings.LANGUAGES for a language code (e.g. "uk-UA" gives "uk"), or "" when there is none."""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return ""


def choices() -> list[tuple[str, str]]:
    """The languages in their own names, as a switcher lists them (a reader may not read the current one)."""
    return [(code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def remember(response: HttpResponse, code: str) -> None:
    """Keep the choice in the cookie that LocaleMiddleware reads."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a logged-in reader's account language wins over
    the browser's, and the cookie follows the account (so the choice made at login or on another device is
    the one this browser keeps after logging out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.account_language(request)
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The user may have logged in during this request (request.user is then the new one).
        language = self.account_language(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            remember(response, language)
        # The language comes from the cookie as much as from Accept-Language; caches must key on both.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def account_language(request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return user.language
