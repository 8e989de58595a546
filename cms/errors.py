"""Error pages that say what went wrong in the reader's terms."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 with the limits when what was sent is larger than a form may send."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return render(
            request,
            "413.html",
            {
                "text_limit": number_format(settings.PORTAL_TEXT_MAX_CHARS, force_grouping=True),
                "upload_limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            },
            status=413,
        )
    return render(request, "400.html", status=400)
