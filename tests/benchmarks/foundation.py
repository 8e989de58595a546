"""Foundation benchmark: staff import and permission sync at health-board scale.

Run: python -m tests.benchmarks.foundation [--staff 5000]
Prints figures and ratios; asserts nothing. Uses a throwaway test database (SQLite by default,
PostgreSQL when DATABASE_URL is set).
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
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

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

    started = time.perf_counter()
    result = import_staff(data, "bench.csv")
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = import_staff(data, "bench.csv")
    second = time.perf_counter() - started
    started = time.perf_counter()
    sync = sync_structure_permissions()
    full_sync = time.perf_counter() - started

    print(f"database: {connection.vendor}")
    print(
        f"staff import, {staff} rows: {first:.2f} s ({staff / first:.0f} rows/s); {result.summary()}"
    )
    print(f"re-import of the same file: {second:.2f} s; {again.summary()}")
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
