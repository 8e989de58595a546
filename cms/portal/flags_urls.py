"""Skill-gap flag pages, under /portal/flags/."""

from django.urls import path

from cms import url_converters  # noqa: F401  (registers the 'staff_number' converter)
from cms.portal import flags

app_name = "flags"

urlpatterns = [
    path("", flags.overview, name="overview"),
    path("flags.xlsx", flags.workbook, name="workbook"),
    path("me/", flags.mine, name="mine"),
    path("people/<staff_number:staff_number>/", flags.person, name="person"),
    path("teams/<int:pk>/", flags.team, name="team"),
    path("teams/<int:pk>/flags.xlsx", flags.team_workbook, name="team_workbook"),
    path("teams/<int:pk>/funnel/", flags.team_funnel, name="team_funnel"),
    path("services/<int:pk>/funnel/", flags.service_funnel, name="service_funnel"),
    path("<int:pk>/", flags.detail, name="detail"),
]
