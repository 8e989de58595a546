"""The CASE API on its own, until the project's URLconf includes it."""

from django.urls import include, path

urlpatterns = [path("ims/case/v1p1/", include("competencies.interchange.api_urls"))]
