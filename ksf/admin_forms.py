"""Admin forms with the rules a person would expect enforced at the form."""

from django import forms
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from ksf.models import KSFDimension, Post


class PostForm(WagtailAdminModelForm):
    """A post's outline, once started, must hold each core dimension once."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        formset = self.formsets.get("outline")
        if formset is None or not hasattr(formset, "cleaned_data"):
            return valid
        chosen: list[KSFDimension] = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("dimension"):
                continue
            if data["dimension"] in chosen:
                form.add_error("dimension", gettext("This dimension is already in the outline."))
                valid = False
            chosen.append(data["dimension"])
        if chosen:
            missing = KSFDimension.objects.filter(kind=KSFDimension.Kind.CORE).exclude(
                pk__in=[d.pk for d in chosen]
            )
            if missing:
                codes = ", ".join(f"{d.code} {d.title}" for d in missing)
                self.add_error(
                    None,
                    gettext("A KSF outline needs all 6 core dimensions. Add: %(dimensions)s.")
                    % {"dimensions": codes},
                )
                valid = False
        return valid


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Staff file"),
        help_text=gettext_lazy(
            "A .csv or .xlsx export from ESR or your HR system, one row per person."
        ),
    )
    create_logins = forms.BooleanField(
        label=gettext_lazy("Create logins for new people with an email address"),
        required=False,
        initial=False,  # a choice to make each time, never made for you
        help_text=gettext_lazy(
            "Leave unticked to import the records only. Ticked, each new person with an "
            "email address gets a login named after it, with no password: they choose one "
            "with 'Forgotten your password?' on the sign-in page."
        ),
    )


class CopyOutlineForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=Post.objects.none(),
        label=gettext_lazy("Copy the outline from"),
        help_text=gettext_lazy("The target post's current outline is replaced."),
    )

    def __init__(self, *args, target: Post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            Post.objects.exclude(pk=target.pk)
            .filter(outline__isnull=False)
            .distinct()
            .select_related("service")
            .order_by("service__name", "title")
        )
