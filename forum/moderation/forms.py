from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forum.comments import posting
from forum.comments.models import Comment
from forum.moderation.appeals import DECISION_MAX_LENGTH
from forum.moderation.models import (
    APPEAL_MAX_LENGTH,
    HIDE_REASONS,
    NOTE_MAX_LENGTH,
    Reason,
    Report,
    Suspension,
)
from forum.moderation.services import BULK_ACTIONS
from forum.moderation.suspensions import REASON_MAX_LENGTH

# The largest id the database holds (a BigAutoField, on PostgreSQL and SQLite): a larger number is refused
# by the form, before a query that SQLite cannot even send.
MAX_ID = 2**63 - 1


class IdsField(forms.Field):
    """Several values of one name (checkboxes, hidden inputs) as a list of ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(
                _("The selection of comments is malformed."), code="invalid"
            ) from None
        for id_ in ids:
            if not 1 <= id_ <= MAX_ID:
                raise forms.ValidationError(
                    _("No comment has the number %(id)s."), code="out_of_range", params={"id": id_}
                )
        return ids


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for moderators (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


CHOOSE_REASON = _("Choose a reason")


class HideForm(NoteForm):
    submit_label = _("Hide comment")
    # No reason is preselected: the moderator says why, every time.
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", CHOOSE_REASON), *HIDE_REASONS],
        error_messages={"required": _("Choose the reason for hiding.")},
    )
    subtree = forms.BooleanField(label=_("Hide the whole subtree (all replies below it)"), required=False)
    field_order = ["reason", "note", "subtree"]


CONFIRM_DELETE_REQUIRED = _("Tick the box to confirm: a comment deleted for good cannot be restored.")


class DeleteForm(NoteForm):
    """Deleting for good cannot be undone, so it takes a confirmation that works without JavaScript: the
    form comes on a page of its own and its box must be ticked."""

    submit_label = _("Delete for good")
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *Reason.choices], required=False)
    confirm = forms.BooleanField(
        label=_("Yes, delete this comment for good; it cannot be restored."),
        error_messages={"required": CONFIRM_DELETE_REQUIRED},
    )
    field_order = ["reason", "note", "confirm"]


class ReportForm(forms.ModelForm):
    submit_label = _("Send report")

    class Meta:
        model = Report
        fields = ["reason", "law", "note"]
        labels = {
            "reason": _("Why are you reporting this comment?"),
            "law": _("Which law does it break? (for illegal content)"),
            "note": _("Anything the moderators should know (optional)"),
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_LENGTH})}
        help_texts = {"law": ""}


class AppealForm(forms.Form):
    submit_label = _("Send appeal")
    text = forms.CharField(
        label=_("Why should this comment be shown again?"),
        max_length=APPEAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant: show the comment again")), ("reject", _("Reject: keep it hidden"))],
    )
    reason = forms.CharField(label=_("Reason (the author reads it)"), max_length=DECISION_MAX_LENGTH)


class SuspendForm(forms.Form):
    duration = forms.ChoiceField(label=_("Suspend for"), choices=Suspension.Duration.choices)
    reason = forms.CharField(label=_("Reason (the reader reads it)"), max_length=REASON_MAX_LENGTH)
    comment = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "min_value": _("No comment has this number."),
            "max_value": _("No comment has this number."),
        },
    )


class BulkForm(NoteForm):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", "—"), *BULK_ACTIONS.items()],
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *HIDE_REASONS], required=False)
    confirm_delete = forms.BooleanField(
        label=_("Confirm “Delete for good”: it cannot be undone"),
        required=False,
    )
    comments = IdsField(required=False)
    select_all = forms.BooleanField(label=_("Select all on this page"), required=False)
    page_ids = IdsField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "hide" and not cleaned.get("reason"):
            self.add_error("reason", _("Choose the reason for hiding."))
        if cleaned.get("action") == "delete" and not cleaned.get("confirm_delete"):
            self.add_error("confirm_delete", CONFIRM_DELETE_REQUIRED)
        return cleaned

    def selected_ids(self) -> list[int]:
        if self.cleaned_data["select_all"]:
            return self.cleaned_data["page_ids"]
        return self.cleaned_data["comments"]


class QueueFilterForm(forms.Form):
    tab = forms.CharField(required=False)
    article = forms.IntegerField(
        label=_("Article"),
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "min_value": _("No article has this number."),
            "max_value": _("No article has this number."),
        },
    )
    author = forms.CharField(label=_("Author (username)"), required=False, max_length=150)
    page = forms.CharField(required=False)


class CommentTextForm(forms.ModelForm):
    """The one field of a comment that the admin changes, for moderators (ModeratedCommentAdmin, which saves
    it through services.revise)."""

    class Meta:
        model = Comment
        fields = ["body"]
        error_messages = {
            "body": {
                "required": _(
                    "A comment cannot be left without text: to take it down, hide it or delete it for good."
                )
            }
        }
        help_texts = {
            "body": _(
                "A change is recorded in the moderation log with the text before it, and readers see "
                "“edited by a moderator”."
            )
        }

    def clean_body(self) -> str:
        # The same cleaning as on the site (line endings, surrounding space), so that the revision gets a
        # body it accepts and a bad one is a form error, not a 500.
        try:
            return posting.clean_body(self.cleaned_data["body"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from None
