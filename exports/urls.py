from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("people/<str:staff_number>/plan/", views.plan, name="plan"),
    path("people/<str:staff_number>/plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("people/<str:staff_number>/hcpc-profile/", views.hcpc_profile, name="hcpc_profile"),
    path("teams/<int:team_pk>/plans.xlsx", views.team_plans_xlsx, name="team_plans_xlsx"),
]
