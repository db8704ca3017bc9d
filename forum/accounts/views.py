import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import TemplateView, UpdateView

from forum.accounts import language
from forum.accounts.forms import DeleteAccountForm, LanguageForm, ProfileForm
from forum.accounts.personal_data import delete_account, export_personal_data


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "account/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        code = form.instance.language
        if code:
            translation.activate(code)  # the confirmation already speaks the language just chosen
        messages.success(self.request, _("Your profile was saved."))
        response = super().form_valid(form)
        if code:
            language.remember(response, code)
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
        return response


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's switcher: keep the choice in the cookie and, for a logged-in reader, on the account;
    then go back to the page the reader was on (same URL: no language prefixes).

    A guest's switcher carries no CSRF token, so that guests' pages stay shareable by the page cache (which
    keeps no page that used a token); a forged switch can only change the language of the guest's own pages.
    A logged-in reader's choice is saved on the account: their form carries the token, and it is checked."""
    if request.user.is_authenticated:
        return csrf_protect(switch_language)(request)
    return switch_language(request)


def switch_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(gettext("Choose one of the languages offered."))
    code = form.cleaned_data["language"]
    user = request.user
    if user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    translation.activate(code)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    language.remember(response, code)
    return response


@require_GET
@login_required
def export_data(request):
    """Everything the site holds about the reader, as a JSON file to download."""
    data = export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"tribune-data-{request.user.pk}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def delete_account_view(request):
    """A confirmation page asking for the password; the account goes only on a POST that gives it."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        delete_account(request.user)
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("/")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "keeps_text": settings.ACCOUNT_DELETION_KEEPS_TEXT}
    return render(request, "account/delete.html", context, status=status)


class PrivacyView(TemplateView):
    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "retention_days": settings.PRIVACY_RETENTION_DAYS,
            "deletion_keeps_text": settings.ACCOUNT_DELETION_KEEPS_TEXT,
            "akismet_enabled": bool(settings.AKISMET_API_KEY),
        }
