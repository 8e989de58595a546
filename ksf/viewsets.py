"""Wagtail admin viewsets for administrators: organisation, people, posts, the KSF."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from ksf.admin_exports import SafeIndexView
from ksf.admin_forms import PostForm
from ksf.models import (
    BandCost,
    CareSite,
    Establishment,
    KSFDimension,
    KSFIndicator,
    Organisation,
    Post,
    PostAssignment,
    Service,
    StaffMember,
    Team,
)


class AdminViewSet(ModelViewSet):
    """Our admin lists: their spreadsheet exports neutralise formula-like text."""

    index_view_class = SafeIndexView


class OrganisationViewSet(AdminViewSet):
    model = Organisation
    name = "ksf_organisation"
    icon = "site"
    list_display = ["name", "code"]
    form_fields = ["name", "code"]
    search_fields = ["name", "code"]
    list_export = ["name", "code"]
    inspect_view_enabled = True


class CareSiteViewSet(AdminViewSet):
    model = CareSite
    name = "ksf_site"
    icon = "home"
    menu_label = _("Sites")
    list_display = ["name", "code", "organisation"]
    list_filter = ["organisation"]
    form_fields = ["organisation", "name", "code", "latitude", "longitude"]
    search_fields = ["name", "code"]
    list_export = ["name", "code", "organisation"]
    inspect_view_enabled = True


class ServiceViewSet(AdminViewSet):
    model = Service
    name = "ksf_service"
    icon = "folder-open-inverse"
    list_display = ["name", "code", "profession", "lead"]
    list_filter = ["profession", "organisation"]
    form_fields = ["organisation", "name", "code", "profession", "lead"]
    search_fields = ["name", "code"]
    list_export = ["name", "code", "profession", "lead"]
    inspect_view_enabled = True


class TeamViewSet(AdminViewSet):
    model = Team
    name = "ksf_team"
    icon = "group"
    list_display = ["name", "code", "service", "site", "lead"]
    list_filter = ["service", "site"]
    form_fields = ["name", "code", "service", "site", "lead"]
    search_fields = ["name", "code"]
    list_export = ["name", "code", "service", "site", "lead"]
    inspect_view_enabled = True


class StaffMemberViewSet(AdminViewSet):
    model = StaffMember
    name = "ksf_staff"
    icon = "user"
    menu_label = _("Staff")
    list_display = ["last_name", "first_name", "staff_number", "profession", "band", "user"]
    list_filter = ["profession", "band"]
    search_fields = ["first_name", "last_name", "staff_number", "email"]
    list_export = [
        "staff_number",
        "first_name",
        "last_name",
        "email",
        "profession",
        "band",
        "hcpc_number",
        "hcpc_renewal_date",
    ]
    export_filename = "staff"
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldRowPanel([FieldPanel("staff_number"), FieldPanel("email")]),
        FieldRowPanel([FieldPanel("profession"), FieldPanel("band")]),
        FieldRowPanel([FieldPanel("hcpc_number"), FieldPanel("hcpc_renewal_date")]),
        FieldPanel("user"),
    ]


class PostViewSet(AdminViewSet):
    model = Post
    name = "ksf_post"
    icon = "clipboard-list"
    list_display = ["title", "band", "profession", "service"]
    list_filter = ["band", "profession", "service"]
    search_fields = ["title"]
    list_export = ["title", "band", "profession", "service", "outline_summary"]
    export_headings = {"outline_summary": _("KSF outline (foundation/second)")}
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        base_form_class=PostForm,
        children=[
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldRowPanel([FieldPanel("band"), FieldPanel("profession")]),
                    FieldPanel("service"),
                    FieldPanel("summary"),
                ],
                heading=_("Post"),
            ),
            HelpPanel(
                template="ksf/admin/outline_help.html",
                heading=_("KSF outline"),
            ),
            InlinePanel(
                "outline",
                heading=_("KSF outline"),
                label=_("Dimension"),
                panels=[
                    FieldPanel("dimension"),
                    FieldRowPanel([FieldPanel("foundation_level"), FieldPanel("second_level")]),
                ],
            ),
        ],
    )


class PostAssignmentViewSet(AdminViewSet):
    model = PostAssignment
    name = "ksf_assignment"
    icon = "link"
    menu_label = _("Post assignments")
    list_display = ["staff", "post", "team", "wte", "start_date", "end_date", "line_manager"]
    list_filter = ["team", "start_date", "end_date"]
    search_fields = ["staff__last_name", "staff__staff_number"]
    list_export = ["staff", "post", "team", "wte", "start_date", "end_date", "line_manager"]
    inspect_view_enabled = True
    form_fields = ["staff", "post", "team", "wte", "start_date", "end_date", "line_manager"]


class KSFDimensionViewSet(AdminViewSet):
    model = KSFDimension
    name = "ksf_dimension"
    icon = "list-ol"
    menu_label = _("KSF dimensions")
    list_display = ["code", "title", "kind", "group"]
    list_filter = ["kind", "group"]
    list_export = ["code", "title", "kind", "group"]
    search_fields = ["code", "title"]
    inspect_view_enabled = True
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("group"),
        FieldPanel("title"),
        InlinePanel(
            "levels", heading=_("Levels"), panels=[FieldPanel("level"), FieldPanel("title")]
        ),
    ]


class KSFIndicatorViewSet(AdminViewSet):
    model = KSFIndicator
    name = "ksf_indicator"
    icon = "list-ul"
    menu_label = _("KSF indicators")
    list_display = ["__str__", "is_local"]
    list_filter = ["is_local", "level__dimension", "level__level"]
    list_export = ["level", "letter", "text", "is_local"]
    search_fields = ["text"]
    form_fields = ["level", "letter", "text", "is_local"]
    inspect_view_enabled = True


class EstablishmentViewSet(AdminViewSet):
    """A team's funded WTE per post: what vacancies are counted against."""

    model = Establishment
    name = "ksf_establishment"
    icon = "table"
    menu_label = _("Funded establishment")
    list_display = ["team", "post", "funded_wte"]
    list_filter = ["team", "team__service", "post__band"]
    search_fields = ["team__name", "team__code", "post__title"]
    list_export = ["team", "post", "funded_wte"]
    form_fields = ["team", "post", "funded_wte"]
    inspect_view_enabled = True


class BandCostViewSet(AdminViewSet):
    """What an hour of each band costs, for the costing line of "Find a competent clinician"."""

    model = BandCost
    name = "ksf_bandcost"
    icon = "tag"
    menu_label = _("Band hourly costs")
    list_display = ["band", "hourly_cost"]
    list_filter = ["band"]
    search_fields = ["band"]
    list_export = ["band", "hourly_cost"]
    form_fields = ["band", "hourly_cost"]
    inspect_view_enabled = True


class OrganisationGroup(ModelViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 200
    items = (
        StaffMemberViewSet,
        PostViewSet,
        PostAssignmentViewSet,
        TeamViewSet,
        ServiceViewSet,
        CareSiteViewSet,
        OrganisationViewSet,
        EstablishmentViewSet,
        BandCostViewSet,
    )


class KSFGroup(ModelViewSetGroup):
    menu_label = _("KSF")
    menu_icon = "list-ol"
    menu_order = 210
    items = (KSFDimensionViewSet, KSFIndicatorViewSet)
