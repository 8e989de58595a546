from django.urls import path

from cms import review_views as views

app_name = "reviews"

urlpatterns = [
    path("people/<str:staff_number>/reviews/", views.review_list, name="list"),
    path("people/<str:staff_number>/reviews/new/", views.review_start, name="start"),
    path("reviews/<int:pk>/", views.review_detail, name="detail"),
    path("reviews/<int:pk>/prepare/", views.review_prepare, name="prepare"),
    path("reviews/<int:pk>/assess/", views.review_assess, name="assess"),
    path("reviews/<int:pk>/gateway/", views.review_gateway, name="gateway"),
    path("reviews/<int:pk>/objectives/add/", views.objective_add, name="objective_add"),
    path(
        "reviews/<int:pk>/objectives/<int:objective_id>/",
        views.objective_edit,
        name="objective_edit",
    ),
    path(
        "reviews/<int:pk>/objectives/<int:objective_id>/delete/",
        views.objective_delete,
        name="objective_delete",
    ),
    path("reviews/<int:pk>/sign/", views.review_sign, name="sign"),
    path("reviews/<int:pk>/notes/", views.review_notes, name="notes"),
]
