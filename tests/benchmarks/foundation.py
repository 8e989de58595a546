"""Foundation benchmark: staff import and permission sync at health-board scale.

Run: python -m tests.benchmarks.foundation [--staff 5000]
Prints figures and ratios; asserts nothing. Times a board-sized import of new people, the
re-import of the same file (which writes nothing), a corrected file with 1% of rows changed,
the indexing the import leaves to the task worker, and the full permission sync. Uses a
throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set).
"""

import argparse
import time

from tests.benchmarks import in_test_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=5000)
    args = parser.parse_args()
    in_test_database(lambda: run(args.staff))


def run(staff: int) -> None:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django_tasks import task_backends
    from wagtail.models import ModelLogEntry

    from ksf.grants import sync_structure_permissions
    from ksf.imports.staff import import_staff
    from ksf.models import CareSite, Organisation, Service, StaffMember, Team

    org = Organisation.objects.create(name="Bench board", code="BENCH")
    site = CareSite.objects.create(organisation=org, name="Site", code="S")
    service = Service.objects.create(
        organisation=org, name="MSK", code="MSK", profession="physiotherapist"
    )
    teams = [
        Team.objects.create(service=service, site=site, name=f"Team {i}", code=f"T{i}")
        for i in range(max(1, staff // 20))
    ]
    rows = [
        "staff_number,first_name,last_name,email,post_title,band,team,wte,line_manager_staff_number,start_date"
    ]
    for i in range(staff):
        team = teams[i // 20 % len(teams)]
        lead = (i // 20) * 20
        manager = "" if i == lead else str(100000 + lead)
        title = "Team lead" if i == lead else "Physiotherapist"
        band = "7" if i == lead else "5"
        rows.append(
            f"{100000 + i},First{i},Last{i},p{i}@bench.nhs.uk,{title},{band},{team.code},1.0,"
            f"{manager},2024-01-01"
        )
    data = ("\n".join(rows) + "\n").encode()
    # 1% of the people change: a new surname, or a new WTE.
    changed = list(rows)
    for i in range(1, staff, 100):
        changed[i + 1] = (
            changed[i + 1].replace(f"Last{i},", f"Changed{i},").replace(",1.0,", ",0.8,")
        )
    corrected = ("\n".join(changed) + "\n").encode()

    # The import leaves the search index and Wagtail's reference index to the task worker (bulk
    # writes skip the signals that queue that work for a single save); it is timed apart, as
    # the worker runs it after the import, at a lower priority.
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        logs = ModelLogEntry.objects.count()
        started = time.perf_counter()
        result = import_staff(data, "bench.csv")
        first = time.perf_counter() - started
        first_logs = ModelLogEntry.objects.count() - logs
        queued = list(task_backends["default"].results)
        started = time.perf_counter()
        again = import_staff(data, "bench.csv")
        second = time.perf_counter() - started
        again_logs = ModelLogEntry.objects.count() - logs - first_logs
        started = time.perf_counter()
        fixed = import_staff(corrected, "bench-corrected.csv")
        third = time.perf_counter() - started
        queued += list(task_backends["default"].results)[len(queued) :]
    started = time.perf_counter()
    indexed = sum(t.task.call(*t.args, **t.kwargs) for t in queued)
    index_time = time.perf_counter() - started
    started = time.perf_counter()
    sync = sync_structure_permissions()
    full_sync = time.perf_counter() - started

    print(f"database: {connection.vendor}")
    print(
        f"staff import, {staff} rows: {first:.2f} s ({staff / first:.0f} rows/s); "
        f"{result.summary()} {first_logs} log entries"
    )
    print(f"re-import of the same file: {second:.2f} s; {again.summary()} {again_logs} log entries")
    print(f"corrected file ({fixed.updated} rows changed): {third:.2f} s; {fixed.summary()}")
    print(
        f"search and reference indexes of {indexed} records (background tasks, after): "
        f"{index_time:.2f} s"
    )
    print(
        f"full permission sync: {full_sync:.2f} s ({sync.granted} granted, {sync.revoked} revoked)"
    )

    # Home page queries for a manager must not grow with the number of reports.
    client = Client()
    lead = StaffMember.objects.get(staff_number="100000")
    client.force_login(lead.user)
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    reports = StaffMember.objects.exclude(pk=lead.pk).filter(assignments__line_manager=lead).count()
    print(f"manager home page: {len(small.captured_queries)} queries for {reports} reports")


if __name__ == "__main__":
    main()
