"""Settings for the load check (tests/benchmarks/load.py): production, minus TLS.

The load check serves plain HTTP on loopback, where production expects a TLS proxy in front.
Everything else (DEBUG off, hashed static files through WhiteNoise, sign-in throttling on,
the real password hasher) is production's.
"""

import os
from pathlib import Path

from cms.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False  # a client over plain HTTP would never send them back
CSRF_COOKIE_SECURE = False
CSRF_TRUSTED_ORIGINS = [f"http://{h}" for h in ALLOWED_HOSTS]  # noqa: F405
STATIC_ROOT = Path(os.environ["LOAD_STATIC_ROOT"])

# --sqlite-default-journal: SQLite as it was before WAL and IMMEDIATE transactions (a rollback
# journal, deferred transactions, only the 20-second busy timeout), for a "before" figure.
if os.environ.get("LOAD_SQLITE_DEFAULT_JOURNAL") and "sqlite3" in DATABASES["default"]["ENGINE"]:  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}  # noqa: F405
