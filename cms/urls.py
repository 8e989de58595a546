from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.portal import accounts

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", accounts.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        accounts.PortalPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", accounts.health, name="health"),
    path("portal/fellowships/", include("cms.portal.fellowships_urls")),
    path("portal/fellowships/", include("cms.portal.logbook_urls")),
    path("portal/flags/", include("cms.portal.flags_urls")),
    path("portal/activity/", include("cms.portal.activity_urls")),
    path("portal/skill-mix/plan/", include("cms.portal.scenarios_urls")),
    path("portal/skill-mix/find/", include("cms.portal.finder_urls")),
    path("portal/skill-mix/", include("cms.portal.skillmix_urls")),
    path("portal/", include("cms.portal.urls")),
    path("credentials/", include("cms.portal.credential_urls")),
    path("ims/case/v1p1/", include("competencies.interchange.api_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "cms.errors.bad_request"
