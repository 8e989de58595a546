"""Team skill matrix and service view pages, under /portal/skill-mix/."""

from django.urls import path

from cms.portal import skillmix

app_name = "skillmix"

urlpatterns = [
    path("teams/<int:pk>/", skillmix.matrix, name="matrix"),
    path("teams/<int:pk>/skill-matrix.xlsx", skillmix.matrix_workbook, name="matrix_workbook"),
    path("services/", skillmix.services, name="services"),
    path("services/<int:pk>/", skillmix.service, name="service"),
    path("services/<int:pk>/board.xlsx", skillmix.service_workbook, name="service_workbook"),
    path(
        "services/<int:pk>/board/<str:job>/",
        skillmix.service_workbook_job,
        name="service_workbook_job",
    ),
]
