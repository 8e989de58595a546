"""The fellowship logbook's addresses, mounted under ``portal/fellowships/`` (namespace
``logbook``): the fellow's pages under an enrolment, the supervisor's under ``supervision/``.
"""

from django.urls import path

from cms.portal import logbook

app_name = "logbook"

urlpatterns = [
    path("enrolments/<int:pk>/logbook/", logbook.logbook_list, name="list"),
    path("enrolments/<int:pk>/logbook/add/", logbook.entry_add, name="add"),
    path("enrolments/<int:pk>/logbook/submit/", logbook.entry_submit, name="submit"),
    path("enrolments/<int:pk>/logbook/upload/", logbook.upload, name="upload"),
    path("enrolments/<int:pk>/logbook/template.csv", logbook.template, name="template"),
    path("enrolments/<int:pk>/logbook/<int:entry>/edit/", logbook.entry_edit, name="edit"),
    path("enrolments/<int:pk>/logbook/<int:entry>/delete/", logbook.entry_delete, name="delete"),
    path("enrolments/<int:pk>/assessments/", logbook.assessments, name="assessments"),
    path(
        "enrolments/<int:pk>/assessments/<int:assessment>/reflect/",
        logbook.reflect,
        name="reflect",
    ),
    path("supervision/", logbook.queue, name="queue"),
    path("supervision/sign/", logbook.sign, name="sign"),
    path("supervision/entries/<int:pk>/return/", logbook.return_entry, name="return"),
    path("supervision/assessments/<int:pk>/", logbook.record, name="record"),
]
