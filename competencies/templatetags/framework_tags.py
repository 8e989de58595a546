"""Template access to a framework's tree, for the admin preview (models stay free of reads)."""

from django import template

from competencies.frameworks.selectors import tree
from competencies.models import Competency, Framework

register = template.Library()


@register.simple_tag
def framework_tree(framework: Framework) -> list[Competency]:
    """Depth-first competencies of a saved framework; none for one not yet saved."""
    return tree(framework) if framework.pk else []
