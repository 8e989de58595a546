from django.urls import path

from ksf import views

app_name = "ksf"

urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("people/<str:staff_number>/", views.person_detail, name="person_detail"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("ksf/", views.dimension_list, name="dimension_list"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
