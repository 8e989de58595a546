"""Find a competent clinician, under /portal/skill-mix/find/."""

from django.urls import path  # noqa: F401

app_name = "finder"

urlpatterns: list = []
