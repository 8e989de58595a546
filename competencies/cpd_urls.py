from django.urls import path

from competencies.views import cpd, evidence

app_name = "cpd"

urlpatterns = [
    path("people/<str:staff_number>/cpd/", cpd.cpd_list, name="list"),
    path("people/<str:staff_number>/cpd/add/", cpd.cpd_add, name="add"),
    path("people/<str:staff_number>/cpd/<int:pk>/", cpd.cpd_detail, name="detail"),
    path("people/<str:staff_number>/cpd/<int:pk>/edit/", cpd.cpd_edit, name="edit"),
    path("people/<str:staff_number>/cpd/<int:pk>/delete/", cpd.cpd_delete, name="delete"),
    path("people/<str:staff_number>/evidence/", evidence.evidence_list, name="evidence_list"),
    path("people/<str:staff_number>/evidence/add/", evidence.evidence_add, name="evidence_add"),
    path(
        "people/<str:staff_number>/evidence/<int:pk>/delete/",
        evidence.evidence_delete,
        name="evidence_delete",
    ),
    path("evidence/<int:pk>/file/", evidence.evidence_file, name="evidence_file"),
]
