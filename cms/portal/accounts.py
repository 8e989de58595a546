"""Account pages in the portal's style, and a health check for load balancers."""

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, JsonResponse

from cms.portal.forms import (
    PortalAuthenticationForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
)


class PortalLoginView(auth_views.LoginView):
    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
