"""Portal-wide HTTP behaviour that no single page should have to remember."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import pgettext

logger = logging.getLogger(__name__)


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


# PostgreSQL's codes for "could not get its turn": serialization failure, deadlock detected,
# lock not available (lock_timeout). SQLite says so in words once its busy timeout runs out.
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
RETRY_AFTER_SECONDS = 5


def is_busy_error(error: BaseException) -> bool:
    """True when ``error`` means another transaction held what this one needed, and waiting
    longer did not help: the transaction was rolled back and trying again is the answer."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    text = str(error).lower()
    return any(words in text for words in SQLITE_BUSY)


class BusyDatabaseMiddleware:
    """A page that could not get the database in time answers 503 with a plain page, not 500.

    SQLite waits its busy timeout for another writer and PostgreSQL waits for row locks; when
    the wait runs out (or PostgreSQL breaks a deadlock or refuses a serialisable transaction),
    the view's transaction has been rolled back. The person is told nothing was saved and to
    try again, and the error is logged as a warning rather than reported as a crash.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy_error(exception):
            return None
        logger.warning(
            "Database busy, answered 503: %s %s: %s", request.method, request.path, exception
        )
        try:
            response = render(request, "503.html", status=503)
        except DatabaseError:  # the header's navigation reads the database too
            home = [{"label": pgettext("navigation", "Home"), "url": "/", "current": False}]
            html = render_to_string(
                "503.html", {"portal_name": settings.PORTAL_NAME, "portal_links": home}
            )
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
