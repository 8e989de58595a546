"""CASE v1.1 REST paths; included under ``ims/case/v1p1/``."""

from django.urls import path

from competencies.interchange import api

urlpatterns = [
    path("CFDocuments", api.cf_documents, name="case_documents"),
    path("CFPackages/<str:identifier>", api.cf_package, name="case_package"),
    path("CFItems/<str:identifier>", api.cf_item, name="case_item"),
    path("CFAssociations/<str:identifier>", api.cf_association, name="case_association"),
]
