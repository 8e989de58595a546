"""The portal's form kit: NHS.UK frontend rendering, and a service's refusal shown on a form."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _


def _interpolate(message: str | Promise, values: dict[str, object]) -> str:
    return str(message) % values


_lazy_interpolate = lazy(_interpolate, str)


def lazy_format(message: str | Promise, **values: object) -> Promise:
    """``message % values``, worked out each time the text is shown rather than at import.

    ``gettext_lazy(...) % values`` translates at once, in whatever language is active when
    the module loads; labels and help texts declared on a form class need this instead, e.g.
    ``lazy_format(_("Up to %(words)s words."), words=500)``.
    """
    return _lazy_interpolate(message, values)


WIDGET_CLASSES = {
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
    forms.ClearableFileInput: "nhsuk-file-upload",
    forms.FileInput: "nhsuk-file-upload",
    forms.CheckboxInput: "nhsuk-checkboxes__input",
}

#: plain selects draw their options inline: Django's own template includes two more
#: templates per option, most of a page's time when a list has a few hundred choices
SELECT_TEMPLATE = "portal/forms/select.html"


class NHSFormMixin:
    """Give widgets NHS.UK classes and link hints and errors for screen readers."""

    template_name = "portal/forms/form.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), "nhsuk-input"
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if type(widget) in (forms.Select, forms.SelectMultiple):
                widget.template_name = SELECT_TEMPLATE
            if isinstance(field, forms.CharField) and field.max_length is None:
                # Free text has a bound too: the browser stops at it, so nothing typed is lost
                # to a request too large to read.
                field.max_length = settings.PORTAL_TEXT_MAX_CHARS
                field.validators.append(MaxLengthValidator(field.max_length))
                widget.attrs["maxlength"] = str(field.max_length)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                # Radios and checkboxes are styled by their template and carry no class.
                css = f"{widget.attrs.get('class', '')} nhsuk-input--error".strip()
                widget.attrs["class"] = css
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} id_{name}-error".strip()


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class PortalAuthenticationForm(NHSFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("Enter a correct username and password. Both are case-sensitive."),
        "inactive": _("This account is inactive. Ask your administrator."),
    }


class PortalPasswordResetForm(NHSFormMixin, auth_forms.PasswordResetForm):
    pass


class PortalSetPasswordForm(NHSFormMixin, auth_forms.SetPasswordForm):
    pass


class PortalForm(NHSFormMixin, forms.Form):
    pass
