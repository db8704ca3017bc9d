from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from forum.accounts import language
from forum.accounts.models import User
from forum.accounts.names import check_name


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=50,
        required=False,
        help_text=_("Shown beside your comments. Leave empty to show your username."),
    )

    def clean_display_name(self) -> str:
        display_name = self.cleaned_data["display_name"].strip()
        check_name(display_name)
        return display_name

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
        display_name = self.cleaned_data["display_name"].strip()
        check_name(display_name, exclude_user_id=self.instance.pk)
        return display_name


class DeleteAccountForm(forms.Form):
    """The account's password, asked again before it is deleted."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
