"""Fellowship pages, under /portal/fellowships/ (the logbook has its own module)."""

from django.urls import path

from cms.portal import fellowships

app_name = "fellowships"

urlpatterns = [
    path("", fellowships.mine, name="mine"),
    path("apply/<int:pk>/", fellowships.apply, name="apply"),
    path("applications/<int:pk>/", fellowships.application, name="application"),
    path("enrolments/<int:pk>/", fellowships.enrolment, name="enrolment"),
    path("enrolments/<int:pk>/supervisors/", fellowships.add_supervisor, name="add_supervisor"),
    path(
        "enrolments/<int:pk>/supervisors/<int:assignment_pk>/end/",
        fellowships.end_supervisor,
        name="end_supervisor",
    ),
    path("enrolments/<int:pk>/pause/", fellowships.pause, name="pause"),
    path("enrolments/<int:pk>/resume/", fellowships.resume, name="resume"),
    path("enrolments/<int:pk>/withdraw/", fellowships.withdraw, name="withdraw"),
    path(
        "enrolments/<int:pk>/milestones/<int:milestone_pk>/",
        fellowships.milestone,
        name="milestone",
    ),
    path("enrolments/<int:pk>/complete/", fellowships.complete, name="complete"),
    path("cohorts/", fellowships.cohorts, name="cohorts"),
    path("cohorts/cohorts.xlsx", fellowships.cohorts_workbook, name="cohorts_workbook"),
]
