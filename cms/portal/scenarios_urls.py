"""Projection, what-if scenarios and who to train next, under /portal/skill-mix/plan/."""

from django.urls import path  # noqa: F401

app_name = "scenarios"

urlpatterns: list = []
