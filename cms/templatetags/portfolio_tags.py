"""Small display helpers for portfolio pages."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext

from cms.portal.charts import number
from competencies.portfolio.rules import megabytes

register = template.Library()


@register.filter
def hours(value) -> str:
    """Hours without trailing zeros: 1.50 -> '1.5'."""
    if value in (None, ""):
        return "0"
    return number(Decimal(value))


@register.filter
def filesize(value) -> str:
    """Bytes in KB or MB, as people read them."""
    size = int(value or 0)
    if size < 1024 * 1024:
        return gettext("%(size)s KB") % {"size": max(1, round(size / 1024))}
    return megabytes(size)
