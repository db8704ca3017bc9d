from django import forms

from forum.comments.rules import can_moderate
from forum.notifications.models import MODERATOR_KINDS, EmailMode, Kind, Preference


class PreferencesForm(forms.Form):
    """One choice of e-mail per kind; the moderators' kinds only for moderators."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        modes = Preference.objects.modes_for(user)
        for kind in Kind:
            if kind in MODERATOR_KINDS and not can_moderate(user):
                continue
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=EmailMode.choices,
                initial=modes[kind.value],
                widget=forms.RadioSelect,
            )

    def save(self) -> None:
        for kind, mode in self.cleaned_data.items():
            Preference.objects.set_mode(self.user, kind, mode)
