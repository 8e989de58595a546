"""Projection, what-if scenarios and who to train next, under /portal/skill-mix/plan/."""

from django.urls import path

from cms.portal import scenarios

app_name = "scenarios"

urlpatterns = [
    path("teams/<int:pk>/projection/", scenarios.projection, name="projection"),
    path("teams/<int:pk>/scenarios/", scenarios.scenario_list, name="list"),
    path("teams/<int:pk>/scenarios/compare/", scenarios.compare, name="compare"),
    path("teams/<int:pk>/scenarios/<int:spk>/", scenarios.scenario, name="scenario"),
    path("teams/<int:pk>/scenarios/<int:spk>/delete/", scenarios.scenario_delete, name="delete"),
    path("teams/<int:pk>/scenarios/<int:spk>/scenario.xlsx", scenarios.workbook, name="workbook"),
    path("teams/<int:pk>/train-next/", scenarios.train_next, name="train_next"),
]
