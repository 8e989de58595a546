"""Spreadsheet exports from the Wagtail admin's lists, made safe to open.

Wagtail's list exports write cell text as it is. A cell starting with "=", "+", "-", "@" (or
a tab or carriage return) runs as a formula when a CSV is opened in Excel, and control
characters make an XLSX unwritable. Every admin list of ours exports through this mixin; the
platform's own workbooks (``exports``) already write text as text.
"""

import re
from typing import Any

from wagtail.admin.views.generic import IndexView

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise(value: Any, *, csv: bool) -> Any:
    """Text that cannot run as a formula or break the file; other values unchanged."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    if csv and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)  # type: ignore[misc]
        return neutralise(value, csv=export_format == self.FORMAT_CSV)  # type: ignore[attr-defined]


class SafeIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The index view every admin list of ours uses."""
