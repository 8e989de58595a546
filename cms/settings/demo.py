"""The demo as `manage.py demo` serves it: pages as in production (NHS.UK 404, 403 and 500
pages, never Django's debug pages with URL patterns and local variables), on runserver."""

import os

from .dev import *  # noqa: F403

DEBUG = False
# runserver serves no static files without DEBUG; WhiteNoise serves them from the apps.
MIDDLEWARE = [
    *MIDDLEWARE[:1],  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],  # noqa: F405
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The address the demo was started on (manage.py demo --addrport) is the one links in emails
# use and the one the site answers on.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", WAGTAILADMIN_BASE_URL)  # noqa: F405
ALLOWED_HOSTS = [*ALLOWED_HOSTS, *os.environ.get("DEMO_ALLOWED_HOSTS", "").split()]  # noqa: F405
