"""Wagtail pages of the public site and the portal's front door."""

from wagtail.admin.panels import FieldPanel
from wagtail.blocks import RichTextBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtailnhsukfrontend.blocks import (
    ActionLinkBlock,
    CareCardBlock,
    DetailsBlock,
    InsetTextBlock,
    WarningCalloutBlock,
)

from cms.dashboard import dashboard_for


class HomePage(Page):
    """The front page: a welcome for visitors, each person's own dashboard once signed in."""

    intro = RichTextField(
        blank=True, help_text="Shown to everyone, above the sign-in or dashboard."
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
        help_text="Guidance shown to visitors who have not signed in.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            context["dashboard"] = dashboard_for(request.user)
        return context
