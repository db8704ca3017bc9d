import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from forum.comments.models import MAX_BODY_LENGTH, Comment
from forum.lib.client import client_ip

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
        self.fields["body"].label = _("Reply") if comment is not None else _("Comment")
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
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "honeypot": bool(self.cleaned_data.get("website")),
            "seconds_to_submit": seconds,
        }


class EditForm(forms.Form):
    body = body_field(_("Edit your comment"))
