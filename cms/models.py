"""Wagtail pages of the public site and the portal's front door."""

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.blocks import RichTextBlock
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, route
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtailnhsukfrontend.blocks import (
    ActionLinkBlock,
    CareCardBlock,
    DetailsBlock,
    InsetTextBlock,
    WarningCalloutBlock,
)

from cms import url_converters  # noqa: F401  (registers the 'code' converter)
from cms.portal.dashboard import dashboard_for


class HomePage(Page):
    """The front page: a welcome for visitors, each person's own dashboard once signed in."""

    intro = RichTextField(
        blank=True, help_text=_("Shown to everyone, above the sign-in or dashboard.")
    )
    body = StreamField(
        [
            ("text", RichTextBlock()),
            ("inset_text", InsetTextBlock()),
            ("warning_callout", WarningCalloutBlock()),
            ("details", DetailsBlock()),
            ("action_link", ActionLinkBlock()),
            ("care_card", CareCardBlock()),
        ],
        blank=True,
        help_text=_("Guidance shown to visitors who have not signed in."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro", heading=_("Intro")),
        FieldPanel("body", heading=_("Body")),
    ]
    max_count = 1
    subpage_types = ["cms.FrameworkIndexPage", "cms.ProgrammeIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context["dashboard"] = dashboard_for(request.user)
        return context


class FrameworkIndexPage(RoutablePageMixin, Page):
    """Every published competency framework, browsable and searchable by staff.

    Each framework and each competency gets a page through routes, so publishing a framework
    is enough for it to appear. Educators add guidance as FrameworkGuidePage children.
    """

    intro = RichTextField(blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro", heading=_("Intro"))]
    subpage_types = ["cms.FrameworkGuidePage"]
    max_count = 1

    class Meta:
        verbose_name = _("framework index page")

    @route(r"^$")
    def index(self, request):
        from competencies.frameworks.selectors import current_frameworks
        from competencies.models import Competency

        query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
        matches = []
        if query:
            # Only the current versions: each competency found once, at the address it has now.
            matches = list(
                Competency.objects.published()
                .filter(framework__in=current_frameworks().values("pk"))
                .filter(
                    Q(short_name__icontains=query)
                    | Q(description__icontains=query)
                    | Q(code__iexact=query)
                )
                .select_related("framework")[:50]
            )
        return self.render(
            request,
            context_overrides={
                "frameworks": current_frameworks(),
                "query": query,
                "matches": matches,
            },
        )

    @path("<code:idnumber>/")
    def framework(self, request, idnumber):
        return self._framework_page(request, idnumber, None)

    @path("<code:idnumber>/v/<code:version>/")
    def framework_version(self, request, idnumber, version):
        return self._framework_page(request, idnumber, version)

    @path("<code:idnumber>/<code:code>/")
    def competency(self, request, idnumber, code):
        return self._competency_page(request, idnumber, None, code)

    @path("<code:idnumber>/v/<code:version>/<code:code>/")
    def version_competency(self, request, idnumber, version, code):
        return self._competency_page(request, idnumber, version, code)

    def _framework_page(self, request, idnumber, version):
        from competencies.frameworks.selectors import tree

        moved = self._version_address(request, idnumber, version)
        if moved:
            return moved
        versions = self._versions(idnumber, version)
        framework = versions.shown
        guide = (
            FrameworkGuidePage.objects.live()
            .child_of(self)
            .filter(framework_idnumber=idnumber)
            .first()
        )
        return render(
            request,
            "cms/framework_page.html",
            {
                "page": self,
                "framework": framework,
                "versions": versions,
                "pinned": version is not None,
                "nodes": tree(framework),
                "guide": guide,
            },
        )

    def _competency_page(self, request, idnumber, version, code):
        from competencies.models import Competency
        from competencies.requirements.selectors import posts_requiring

        moved = self._version_address(request, idnumber, version, code)
        if moved:
            return moved
        versions = self._versions(idnumber, version)
        framework = versions.shown
        competency = (
            Competency.objects.filter(framework=framework, idnumber=code)
            .select_related("parent")
            .first()
        )
        if competency is None:
            raise Http404("No such competency")
        in_current = None
        if not versions.is_current:  # the same competency, by its stable identity
            in_current = Competency.objects.filter(
                framework=versions.current, identifier=competency.identifier
            ).first()
        return render(
            request,
            "cms/competency_page.html",
            {
                "page": self,
                "framework": framework,
                "versions": versions,
                "pinned": version is not None,
                "competency": competency,
                "in_current": in_current,
                "children": competency.children.order_by("sort_order"),
                "related": competency.cross_references.select_related("framework").filter(
                    framework__live=True
                ),
                "requirements": posts_requiring(competency),
            },
        )

    def _version_address(self, request, idnumber, version, code=None):
        """``?version=`` on a current-version address: a redirect to that version's own."""
        wanted = request.GET.get("version")
        if version is not None or not wanted:
            return None
        if "\x00" in wanted:
            raise Http404("No such version")  # no version holds a NUL (nor can it be stored)
        shown = self._versions(idnumber, wanted).shown
        if code is not None and not shown.competencies.filter(idnumber=code).exists():
            raise Http404("No such competency")
        if code is None:
            subpage = self.reverse_subpage("framework_version", args=[idnumber, shown.version])
        else:
            subpage = self.reverse_subpage(
                "version_competency", args=[idnumber, shown.version, code]
            )
        return redirect(self.get_url(request) + subpage, permanent=True)

    @staticmethod
    def _versions(idnumber, version):
        from competencies.frameworks.selectors import framework_versions

        versions = framework_versions(idnumber, version)
        if versions is None:
            raise Http404("No such framework")
        return versions


class FrameworkGuidePage(Page):
    """Guidance an educator writes for one framework, shown above its tree."""

    framework_idnumber = models.CharField(
        _("framework ID number"),
        max_length=100,
        help_text=_("The framework this guidance is for."),
    )
    body = RichTextField(blank=True)
    content_panels = [
        *Page.content_panels,
        FieldPanel("framework_idnumber"),
        FieldPanel("body", heading=_("Body")),
    ]
    parent_page_types = ["cms.FrameworkIndexPage"]
    subpage_types: list[str] = []

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        index = self.get_parent().specific
        return redirect(
            index.url + index.reverse_subpage("framework", args=[self.framework_idnumber])
        )


class ProgrammeIndexPage(RoutablePageMixin, Page):
    """Every published fellowship programme, at its current version, readable by anyone.

    Each programme gets a page through a route, so publishing a programme in the admin is
    enough for it to appear; drafts and retired programmes are not found.
    """

    intro = RichTextField(blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro", heading=_("Intro"))]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("fellowship programme index page")

    @route(r"^$")
    def index(self, request):
        from fellowships.programmes.describe import describe_cost, describe_duration
        from fellowships.programmes.selectors import current_programmes

        programmes = list(current_programmes())
        for programme in programmes:
            programme.duration_text = describe_duration(programme)
            programme.cost_text = describe_cost(programme)
        return self.render(request, context_overrides={"programmes": programmes})

    @path("<code:code>/")
    def programme(self, request, code):
        from fellowships.programmes import describe
        from fellowships.programmes.selectors import current_programme, stages

        programme = current_programme(code)
        if programme is None:
            raise Http404("No such programme")
        return render(
            request,
            "cms/programme_page.html",
            {
                "page": self,
                "programme": programme,
                "entry": describe.describe_entry(programme),
                "cost": describe.describe_cost(programme),
                "duration": describe.describe_duration(programme),
                "supervision": describe.describe_supervision(programme),
                "stages": [
                    (stage, [(m, describe.describe_milestone(m)) for m in milestones])
                    for stage, milestones in stages(programme)
                ],
            },
        )
