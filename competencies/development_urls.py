from django.urls import path

from competencies import development_views as views

app_name = "development"

urlpatterns = [
    path("me/development/", views.my_development, name="mine"),
    path(
        "people/<str:staff_number>/development/",
        views.person_development,
        name="person",
    ),
    path("me/competencies/<int:pk>/", views.competency, name="competency"),
    path("me/claims/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("sign-offs/", views.signoff_list, name="signoff_list"),
    path("sign-offs/<int:pk>/", views.signoff_decide, name="signoff_decide"),
]
