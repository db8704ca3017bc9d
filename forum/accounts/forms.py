from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from forum.accounts import language
from forum.accounts.models import User


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        required=False,
        help_text=_("Shown beside your comments. Leave empty to show your username."),
    )

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        # The language the reader signed up in is the one their e-mails are written in, until they pick one.
        user.language = language.supported(translation.get_language() or "")
        user.save(update_fields=["display_name", "language"])


class LanguageForm(forms.Form):
    """The language switcher: a plain form, posted without JavaScript."""

    language = forms.ChoiceField(label=_("Language"), choices=language.choices)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser asks")), *language.choices()]

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()
