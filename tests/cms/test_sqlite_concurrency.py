"""SQLite, the default database, takes concurrent writers in turn instead of failing.

Two connections to one database file, with the platform's SQLite options, each run a
transaction that reads and then writes while the other does the same. Without IMMEDIATE
transactions one of them fails at once with "database is locked".
"""

import sqlite3
import threading
import time

from tests.sqlite import sqlite_connection


def _connection(path):
    wrapper = sqlite_connection(str(path), alias=f"concurrency-{threading.get_ident()}")
    return wrapper


def test_two_read_then_write_transactions_wait_for_each_other(tmp_path, django_db_blocker):
    path = tmp_path / "busy.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, n INTEGER)")
        # The first connection to a new file switches it to WAL (it stays so); done here so
        # the two writers below race only over their transactions.
        setup.execute("PRAGMA journal_mode=WAL")
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        db = _connection(path)
        try:
            db.ensure_connection()
            barrier.wait(timeout=15)
            db._start_transaction_under_autocommit()  # BEGIN, as transaction.atomic() does
            with db.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM entry")  # read first ...
                time.sleep(0.2)
                cursor.execute("INSERT INTO entry (n) VALUES (%s)", [n])  # ... then write
                cursor.execute("COMMIT")
        except Exception as error:
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    with django_db_blocker.unblock():  # our own file, not the test database
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT COUNT(*) FROM entry").fetchone()[0] == 2
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
