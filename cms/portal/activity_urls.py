"""Activity upload pages, under /portal/activity/."""

from django.urls import path

from cms.portal import activity

app_name = "activity"

urlpatterns = [
    path("", activity.upload, name="upload"),
    path("preview/", activity.preview, name="preview"),
    path("runs/<int:pk>/", activity.run, name="run"),
    path("runs/<int:pk>/status/", activity.run_status, name="run_status"),
]
