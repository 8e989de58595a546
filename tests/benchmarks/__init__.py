"""Benchmarks: commands that print figures and ratios, never assertions."""

import os
from collections.abc import Callable


def in_test_database(run: Callable[[], None]) -> None:
    """Run ``run`` against a throwaway test database (SQLite, or DATABASE_URL's PostgreSQL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        run()
    finally:
        teardown_databases(old, verbosity=0)
