"""When the database stays busy past its wait, a page says "busy, nothing was saved" (503).

The page below writes to its own SQLite file while another connection holds that file's write
lock, with a short busy timeout: SQLite gives up with a real "database is locked" error, as it
does for the portal's own database when a writer holds it longer than SQLITE_BUSY_TIMEOUT.
"""

import sqlite3

import psycopg
import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

import cms.urls
from cms.middleware import is_busy_error
from tests.conftest import login
from tests.sqlite import sqlite_connection

BUSY_FILE: dict[str, str] = {}


def _connection(name: str):
    return sqlite_connection(name, alias="busy-test", timeout=0.2)


def save_an_entry(request: HttpRequest) -> HttpResponse:
    """A page that saves in one transaction, as the portal's services do."""
    db = _connection(BUSY_FILE["name"])
    try:
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO entry (n) VALUES (1)")
            cursor.execute("SELECT n FROM missing_table")  # reached only when not busy
    finally:
        db.close()
    return HttpResponse("saved")


urlpatterns = [path("busy-test/", save_an_entry), *cms.urls.urlpatterns]


@pytest.fixture
def busy_file(tmp_path, settings, django_db_blocker):
    settings.ROOT_URLCONF = __name__
    name = str(tmp_path / "busy.sqlite3")
    with sqlite3.connect(name) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, n INTEGER)")
    BUSY_FILE["name"] = name
    yield name
    BUSY_FILE.clear()


def _rows(name: str) -> int:
    with sqlite3.connect(name) as check:
        return check.execute("SELECT COUNT(*) FROM entry").fetchone()[0]


def test_a_save_that_cannot_get_the_database_in_time_says_nothing_was_saved(
    client, world, busy_file, django_db_blocker
):
    login(client, world.clinician.user)
    holder = sqlite3.connect(busy_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with django_db_blocker.unblock():
            response = client.post("/busy-test/")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    page = response.content.decode()
    assert "The service is busy. Nothing was saved. Go back and try again" in page
    assert "nhsuk-header" in page  # the portal's own page, signed in
    assert "Signed in as" in page
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert _rows(busy_file) == 0


def test_other_database_errors_are_still_errors(client, world, busy_file, django_db_blocker):
    """Only a lock that could not be had is "busy": a real fault still fails loudly (500)."""
    login(client, world.clinician.user)
    quiet = Client(raise_request_exception=False)
    login(quiet, world.clinician.user)
    with django_db_blocker.unblock():
        with pytest.raises(OperationalError, match="no such table"):
            client.post("/busy-test/")
        assert quiet.post("/busy-test/").status_code == 500


@pytest.mark.parametrize(
    "cause, busy",
    [
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), True),
        (psycopg.errors.DeadlockDetected("deadlock detected"), True),
        (psycopg.errors.SerializationFailure("could not serialize access"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to user request"), False),
        (
            psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
            False,
        ),
    ],
)
def test_postgresql_lock_waits_that_ran_out_count_as_busy(cause, busy):
    """As Django raises them: its OperationalError, caused by the driver's error."""
    try:
        try:
            raise cause
        except psycopg.Error as error:
            raise OperationalError(str(error)) from error
    except OperationalError as wrapped:
        assert is_busy_error(wrapped) is busy
