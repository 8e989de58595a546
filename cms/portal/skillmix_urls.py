"""Team skill matrix and service view pages, under /portal/skill-mix/."""

from django.urls import path  # noqa: F401

app_name = "skillmix"

urlpatterns: list = []
