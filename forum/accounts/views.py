import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView, UpdateView

from forum.accounts.forms import DeleteAccountForm, ProfileForm
from forum.accounts.personal_data import delete_account, export_personal_data


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "account/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, gettext_lazy("Your profile was saved."))
        return super().form_valid(form)


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
