"""Template access to frameworks for the admin preview and the public competency page
(models stay free of reads)."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from competencies.frameworks.selectors import RelatedLink, related_links, tree
from competencies.interchange import markdown
from competencies.models import Competency, Framework
from ksf.templatetags.safe_html import clean_html

register = template.Library()


@register.simple_tag
def framework_tree(framework: Framework) -> list[Competency]:
    """Depth-first competencies of a saved framework; none for one not yet saved."""
    return tree(framework) if framework.pk else []


@register.simple_tag
def competency_description(competency: Competency) -> SafeString:
    """The description as safe HTML: markdown text rendered, HTML cleaned."""
    if competency.description_format == Competency.DescriptionFormat.MARKDOWN:
        # Built from escaped text, then cleaned by nh3 to the few tags it builds.
        return mark_safe(markdown.render(competency.description))
    return clean_html(competency.description)


@register.simple_tag
def competency_related(competency: Competency) -> list[RelatedLink]:
    """Cross references and CASE associations, to this site's pages or to items elsewhere."""
    return related_links(competency)


def _labels() -> dict[str, tuple[str, str]]:
    """CASE association types in words, describing the other end: (seen from the origin, seen
    from the destination). "A precedes B": on A's page B comes after this."""

    def both(word: str) -> tuple[str, str]:
        return word, word

    return {
        "isrelatedto": ("", ""),  # the heading says it
        "exactmatchof": both(pgettext("CASE association", "exact match")),
        "ispeerof": both(pgettext("CASE association", "peer")),
        "ispartof": (
            pgettext("CASE association", "contains this"),
            pgettext("CASE association", "part of this"),
        ),
        "precedes": (
            pgettext("CASE association", "comes after this"),
            pgettext("CASE association", "comes before this"),
        ),
        "replacedby": (
            pgettext("CASE association", "replaces this"),
            pgettext("CASE association", "replaced by this"),
        ),
        "exemplar": both(pgettext("CASE association", "exemplar")),
        "hasskilllevel": (
            pgettext("CASE association", "skill level of this"),
            pgettext("CASE association", "has this as a skill level"),
        ),
        "istranslationof": (
            pgettext("CASE association", "original of this translation"),
            pgettext("CASE association", "translation of this"),
        ),
    }


@register.filter
def association_label(link: RelatedLink) -> str:
    """How the other end relates, in words ("" for a plain cross reference)."""
    words = _labels().get(link.association_type.strip().lower())
    if words is None:
        return link.association_type  # a type of another tool's own: as it named it
    return words[0] if link.outgoing else words[1]
