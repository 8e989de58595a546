from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "h3",
    "h4",
    "blockquote",
}


@register.filter
def clean_html(value: str | None) -> str:
    """Imported descriptions are HTML from other systems: keep structure, drop anything active."""
    import nh3

    return mark_safe(
        nh3.clean(value or "", tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="noopener")
    )
