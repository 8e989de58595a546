"""A second SQLite connection with the platform's options, for tests about locking."""

from django.db.backends.sqlite3.base import DatabaseWrapper

from cms.settings.base import SQLITE_OPTIONS


def sqlite_connection(name: str, *, alias: str, **options: object) -> DatabaseWrapper:
    """A Django connection to the SQLite file ``name``; ``options`` override the platform's."""
    return DatabaseWrapper(
        {
            "NAME": name,
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": {**SQLITE_OPTIONS, **options},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=alias,
    )
