"""The forms of the shared blocks: a visitor's report, a moderator's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.core.validators import no_control_characters
from tellus.publishing.models import ModerationDecision, Report
from tellus.publishing.services import DISMISS

ACTION_LABELS = {
    ModerationDecision.Action.APPROVE: _("Approve"),
    ModerationDecision.Action.REJECT: _("Reject"),
    ModerationDecision.Action.ASK_EDIT: _("Ask for an edit"),
    ModerationDecision.Action.HIDE: _("Hide"),
    DISMISS: _("Keep it published"),
}


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should it not be shown?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters],
    )


class DecisionForm(forms.Form):
    """A moderator's decision; dismissing the reports keeps a published subject as it is."""

    action = forms.ChoiceField(choices=list(ACTION_LABELS.items()))
    reason = forms.CharField(
        label=_("Reason for the contributor"),
        help_text=_("Needed to reject, ask for an edit or hide: the contributor reads it."),
        max_length=500,
        required=False,
        validators=[no_control_characters],
        # Several lines, and Enter never submits the first button (Approve) by accident.
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": "500"}),
    )
