"""Twenty clerks registering a case at the same moment, each in a thread with its own database
connection, each taking the next number and inserting its case in one transaction.

`clerks_at_once()` is called by tests/cases/test_numbering.py in-process on PostgreSQL (and on a
SQLite file database). The suite's SQLite database is in memory with a shared cache, whose table
locks fail at once instead of waiting on the busy timeout, so there the test runs this module on
a SQLite file database of its own:

    DATABASE_URL=sqlite:///… python -m tests.cases.concurrent_numbering CLERKS

which prints a JSON summary."""

import datetime
import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenxian_report.settings")


def clerks_at_once(bureau_id: int, clerks: int = 20, *, year: int = 2026) -> dict:
    """Each clerk: numbering.next_case_number() and PetitionCase insert in one transaction, all
    released together by a barrier. Returns the numbers given and the errors met."""
    from django.db import connections, transaction

    from cases import numbering
    from cases.models import Bureau, PetitionCase
    from cases.scoping import acting_for

    start = threading.Barrier(clerks)
    numbers: list[str] = []
    errors: list[str] = []

    def clerk(i: int) -> None:
        try:
            bureau = Bureau.objects.get(pk=bureau_id)
            start.wait(timeout=60)
            with acting_for(bureau), transaction.atomic():
                number = numbering.next_case_number(bureau=bureau, year=year)
                PetitionCase.objects.create(
                    bureau=bureau,
                    number=number,
                    received_on=datetime.date(year, 11, 20),
                    channel="visit",
                    petitioner_name=f"并发{i}",
                    category="claim",
                )
            numbers.append(number)
        except Exception as exc:  # reported, not raised: the test names every failure
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return {"numbers": sorted(numbers), "errors": errors}


def main(clerks: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from cases.models import Bureau, PetitionCase

    call_command("migrate", verbosity=0)
    bureau = Bureau.objects.create(
        name="测试县信访局", county="测试县", short_county="测试", case_number_pattern="测信{year}-{seq:04d}"
    )
    PetitionCase._base_manager.create(
        bureau=bureau,
        number="测信2026-0007",  # entered by hand before the counter existed
        received_on=datetime.date(2026, 1, 5),
        channel="letter",
        petitioner_name="已登记",
        category="claim",
    )
    summary = clerks_at_once(bureau.pk, clerks)
    summary["cases"] = PetitionCase._base_manager.filter(bureau=bureau).count()
    summary["vendor"] = "sqlite"
    return summary


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20), ensure_ascii=False))
