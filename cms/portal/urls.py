"""Every portal page's address, mounted under ``portal/``.

URL names keep one namespace per area (``ksf``, ``development``, ``cpd``, ``reviews``,
``exports``) so templates and emails link the same way wherever a page's code lives.
"""

from django.urls import include, path

from cms import url_converters  # noqa: F401  (registers the 'staff_number' converter)
from cms.portal import cpd, development, evidence, exports, organisation, reviews

organisation_urls = (
    [
        path("posts/", organisation.post_list, name="post_list"),
        path(
            "people/<staff_number:staff_number>/", organisation.person_detail, name="person_detail"
        ),
        path("teams/", organisation.team_list, name="team_list"),
        path("teams/<int:pk>/", organisation.team_detail, name="team_detail"),
        path("ksf/", organisation.dimension_list, name="dimension_list"),
        path("notifications/", organisation.notification_list, name="notifications"),
        path("notifications/read/", organisation.notifications_read, name="notifications_read"),
    ],
    "ksf",
)

development_urls = (
    [
        path("me/development/", development.my_development, name="mine"),
        path(
            "people/<staff_number:staff_number>/development/",
            development.person_development,
            name="person",
        ),
        path("me/competencies/<int:pk>/", development.competency, name="competency"),
        path("me/claims/<int:pk>/withdraw/", development.withdraw, name="withdraw"),
        path("sign-offs/", development.signoff_list, name="signoff_list"),
        path("sign-offs/<int:pk>/", development.signoff_decide, name="signoff_decide"),
    ],
    "development",
)

cpd_urls = (
    [
        path("people/<staff_number:staff_number>/cpd/", cpd.cpd_list, name="list"),
        path("people/<staff_number:staff_number>/cpd/add/", cpd.cpd_add, name="add"),
        path("people/<staff_number:staff_number>/cpd/<int:pk>/", cpd.cpd_detail, name="detail"),
        path("people/<staff_number:staff_number>/cpd/<int:pk>/edit/", cpd.cpd_edit, name="edit"),
        path(
            "people/<staff_number:staff_number>/cpd/<int:pk>/delete/", cpd.cpd_delete, name="delete"
        ),
        path(
            "people/<staff_number:staff_number>/evidence/",
            evidence.evidence_list,
            name="evidence_list",
        ),
        path(
            "people/<staff_number:staff_number>/evidence/add/",
            evidence.evidence_add,
            name="evidence_add",
        ),
        path(
            "people/<staff_number:staff_number>/evidence/<int:pk>/delete/",
            evidence.evidence_delete,
            name="evidence_delete",
        ),
        path("evidence/<int:pk>/file/", evidence.evidence_file, name="evidence_file"),
    ],
    "cpd",
)

review_urls = (
    [
        path("people/<staff_number:staff_number>/reviews/", reviews.review_list, name="list"),
        path("people/<staff_number:staff_number>/reviews/new/", reviews.review_start, name="start"),
        path("reviews/<int:pk>/", reviews.review_detail, name="detail"),
        path("reviews/<int:pk>/prepare/", reviews.review_prepare, name="prepare"),
        path("reviews/<int:pk>/assess/", reviews.review_assess, name="assess"),
        path("reviews/<int:pk>/gateway/", reviews.review_gateway, name="gateway"),
        path("reviews/<int:pk>/objectives/add/", reviews.objective_add, name="objective_add"),
        path(
            "reviews/<int:pk>/objectives/<int:objective_id>/",
            reviews.objective_edit,
            name="objective_edit",
        ),
        path(
            "reviews/<int:pk>/objectives/<int:objective_id>/delete/",
            reviews.objective_delete,
            name="objective_delete",
        ),
        path("reviews/<int:pk>/sign/", reviews.review_sign, name="sign"),
        path("reviews/<int:pk>/notes/", reviews.review_notes, name="notes"),
    ],
    "reviews",
)

export_urls = (
    [
        path("people/<staff_number:staff_number>/plan/", exports.plan, name="plan"),
        path("people/<staff_number:staff_number>/plan.xlsx", exports.plan_xlsx, name="plan_xlsx"),
        path(
            "people/<staff_number:staff_number>/hcpc-profile/",
            exports.hcpc_profile,
            name="hcpc_profile",
        ),
        path(
            "people/<staff_number:staff_number>/hcpc-profile/drafts/",
            exports.hcpc_drafts,
            name="hcpc_drafts",
        ),
        path(
            "people/<staff_number:staff_number>/hcpc-profile/drafts/<int:pk>/",
            exports.hcpc_draft,
            name="hcpc_draft",
        ),
        path(
            "people/<staff_number:staff_number>/hcpc-profile/drafts/<int:pk>/delete/",
            exports.hcpc_draft_delete,
            name="hcpc_draft_delete",
        ),
        path("teams/<int:team_pk>/plans.xlsx", exports.team_plans_xlsx, name="team_plans_xlsx"),
    ],
    "exports",
)

urlpatterns = [
    path("posts/<int:pk>/", organisation.post_detail, name="post_detail"),
    path("teams/<int:pk>/development/", organisation.team_development, name="team_development"),
    path("", include(organisation_urls)),
    path("", include(development_urls)),
    path("", include(cpd_urls)),
    path("", include(review_urls)),
    path("", include(export_urls)),
]
