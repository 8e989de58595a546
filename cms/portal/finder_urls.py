"""Find a competent clinician, under /portal/skill-mix/find/."""

from django.urls import path

from cms.portal import finder

app_name = "finder"

urlpatterns = [
    path("", finder.search, name="search"),
]
