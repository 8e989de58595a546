"""Forms for the skill-mix matrix page: its filters by framework, competency and band.

They collect and type input only. A value that is not among the choices is ignored (the
matrix is not narrowed) and the form says so on the field, so a stale link never breaks.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm


class MatrixFilterForm(PortalForm):
    framework = forms.ChoiceField(label=_("Framework"), required=False)
    competency = forms.TypedChoiceField(
        label=_("Competency"), required=False, coerce=int, empty_value=None
    )
    band = forms.ChoiceField(label=_("Band"), required=False)

    def __init__(
        self,
        *args,
        frameworks: list[str],
        competencies: list[tuple[int, str]],
        bands: list[tuple[str, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [
            ("", _("Every framework")),
            *[(f, f) for f in frameworks],
        ]
        self.fields["competency"].choices = [("", _("Every competency")), *competencies]
        self.fields["band"].choices = [("", _("Every band")), *bands]
