"""Portal forms render with NHS.UK frontend markup via cms/templates/cms/forms/."""

from django import forms
from django.contrib.auth import forms as auth_forms

from ksf.forms import NHSFormMixin

__all__ = ["NHSFormMixin", "PortalForm"]


class PortalAuthenticationForm(NHSFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask your administrator.",
    }


class PortalPasswordResetForm(NHSFormMixin, auth_forms.PasswordResetForm):
    pass


class PortalSetPasswordForm(NHSFormMixin, auth_forms.SetPasswordForm):
    pass


class PortalForm(NHSFormMixin, forms.Form):
    pass
