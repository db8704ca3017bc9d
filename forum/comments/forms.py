import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forum.comments.models import MAX_BODY_LENGTH, Comment
from forum.lib.privacy import request_facts

FORM_STAMP_SALT = "forum.comments.form-rendered"


def body_field(label: str) -> forms.CharField:
    # Length and emptiness are checked by posting.clean_body, which gives the reader the precise message.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "data-maxlength": MAX_BODY_LENGTH}),
    )


class CommentForm(forms.Form):
    """The comment and reply form. Besides the body it carries two quiet spam signals for listeners of
    comment_posted: a honeypot field people never see, and when the form was rendered (signed)."""

    body = body_field(_("Comment"))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, reply_to: Comment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reply_to = reply_to
        if not self.is_bound:
            self.initial["rendered_at"] = signing.dumps(time.time(), salt=FORM_STAMP_SALT)

    @property
    def reply_to(self) -> Comment | None:
        return self._reply_to

    @reply_to.setter
    def reply_to(self, comment: Comment | None) -> None:
        """A reply form is labelled "Reply"; set again once a posted form has found its parent."""
        self._reply_to = comment
        # A context of its own: in Ukrainian the field is a noun, the action link beside a comment a verb.
        reply = pgettext_lazy("the reply form's text field", "Reply")
        self.fields["body"].label = reply if comment is not None else _("Comment")
        self._bound_fields_cache.pop("body", None)  # a bound field copies its label when first used
        if comment is not None:
            self.initial["parent"] = comment.pk

    @property
    def submit_label(self) -> str:
        return _("Post reply") if self.reply_to is not None else _("Post comment")

    def request_context(self, request) -> dict:
        """Facts about this submission for the listeners of comment_posted (spam checks)."""
        seconds = None
        try:
            stamp = signing.loads(
                self.cleaned_data.get("rendered_at") or "", salt=FORM_STAMP_SALT, max_age=86400
            )
            seconds = round(time.time() - float(stamp), 2)
        except (signing.BadSignature, TypeError, ValueError):
            pass
        return {
            **request_facts(request),  # a hash of the address and the browser family, never the raw ones
            "honeypot": bool(self.cleaned_data.get("website")),
            "seconds_to_submit": seconds,
        }


class EditForm(forms.Form):
    body = body_field(_("Edit your comment"))
