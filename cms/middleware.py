"""Portal-wide HTTP behaviour that no single page should have to remember."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Pages and files shown to a signed-in person hold personal records: never cached.

    ``no-store`` keeps them out of shared caches and the browser's back-button cache on a
    shared ward computer; public pages (the frameworks site, the CASE API) are unaffected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


ACTIVITY_KEY = "_last_activity"
RENEW_AFTER_SECONDS = 5 * 60


def mark_activity(session) -> None:
    """Note activity now; saving the session restarts its idle clock (SESSION_COOKIE_AGE)."""
    session[ACTIVITY_KEY] = int(time.time())


class SessionIdleMiddleware:
    """Sessions end after ``SESSION_COOKIE_AGE`` seconds without activity.

    Renewing on every request would write the session each time; renewing at most every five
    minutes gives the same idle timeout to within five minutes for a fraction of the writes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            last = request.session.get(ACTIVITY_KEY, 0)
            if time.time() - last > RENEW_AFTER_SECONDS:
                mark_activity(request.session)
        return self.get_response(request)
