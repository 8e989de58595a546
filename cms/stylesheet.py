"""The NHS.UK design system's stylesheet as the portal serves it: without web fonts.

The design system's CSS loads Frutiger from assets.nhs.uk. No page here depends on another
host (an intranet or an offline demo cannot reach it, and pages would wait for it), so the
portal serves a copy without the two ``@font-face`` rules: text is set in the design system's
own fallback, Arial, at once. ``NHSUK_FONT_HOST`` brings the fonts back where that host is
reachable and wanted.

Regenerate after upgrading wagtail-nhsuk-frontend: ``python -m cms.stylesheet`` (a test fails
until the copy matches the installed stylesheet).
"""

import re
from pathlib import Path

import wagtailnhsukfrontend

SOURCE_NAME = "wagtailnhsukfrontend/css/nhsuk-frontend-10.4.2.min.css"
SOURCE = Path(wagtailnhsukfrontend.__file__).parent / "static" / SOURCE_NAME
COPY_NAME = "cms/nhsuk-frontend-without-web-fonts.css"
COPY = Path(__file__).parent / "static" / COPY_NAME

_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")


def without_web_fonts(css: str) -> str:
    return _SOURCE_MAP.sub("", _FONT_FACE.sub("", css))


def expected_copy() -> str:
    return without_web_fonts(SOURCE.read_text(encoding="utf-8"))


if __name__ == "__main__":
    COPY.write_text(expected_copy(), encoding="utf-8")
    print(f"wrote {COPY}")
