"""Forms for the flag pages: the list filters and the acknowledge, resolve and reopen notes.

They collect and type input; ``competencies.activity.flags.lifecycle`` decides each change and
owns its message (a missing note is refused there and the message shown on the field).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm
from competencies.models import Flag

DATE = forms.DateInput(attrs={"type": "date"})


class FlagFilterForm(PortalForm):
    """Filters for a list of flags. Bad values are ignored (the list is not narrowed)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    competency = forms.TypedChoiceField(
        label=_("Competency"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    since = forms.DateField(label=_("Seen from"), required=False, widget=DATE)
    until = forms.DateField(label=_("Seen until"), required=False, widget=DATE)

    def __init__(
        self,
        *args,
        teams: list[tuple[int, str]] | None = None,
        competencies: list[tuple[int, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Flag.Kind.choices]
        self.fields["status"].choices = [("", _("Any status")), *Flag.Status.choices]
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].choices = [("", _("Any team")), *teams]
        self.fields["competency"].choices = [("", _("Any competency")), *(competencies or [])]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range is before its start."))
        return data


ACTIONS = {
    "acknowledge": _("Acknowledge: I have seen it and I am looking into it"),
    "resolve": _("Resolve: it has been dealt with, or there was nothing to act on"),
    "reopen": _("Reopen: it needs looking at again"),
}


class FlagStatusForm(PortalForm):
    """What the manager did about a flag, with a note.

    The note is not required here: the lifecycle service refuses an empty note with its own
    message, which the page shows on this field, so the rule lives in one place.
    """

    action = forms.ChoiceField(label=_("What you are doing"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_(
            "What you looked at and what you decided, e.g. 'Checked the rota: supervised by "
            "the team lead until the sign-off is renewed'. Kept in the flag's history."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        max_length=2000,
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, ACTIONS[a]) for a in actions]
        if len(actions) == 1:
            self.fields["action"].initial = actions[0]
