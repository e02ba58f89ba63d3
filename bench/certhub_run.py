"""One CertHub import in a process of its own, for imports_bench.py (P1-P3).

Run by the bench as
`python bench/certhub_run.py FILE --company ID [--replace] [--mapping NAME] [--profile]`;
prints a profile when asked, then one line `BENCH-RESULT {json}` with the seconds spent in
`imports.services.import_file` (file to committed rows, validation and history included), its
status and counts, the rows and history events now stored, and the process's peak resident
memory (VmHWM), which is what P3 bounds.
"""

import argparse
import cProfile
import json
import pstats
import resource
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULT_MARK = "BENCH-RESULT "


def peak_rss_mb() -> float:
    """The peak resident set of this process, in MB (VmHWM; ru_maxrss where /proc is absent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_profile(profiler: cProfile.Profile, top: int = 15) -> None:
    for order in ("tottime", "cumulative"):
        print(f"--- cProfile, top {top} by {order} ---")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(top)


class SqlTimer:
    """Times each SQL statement (a Django execute wrapper): in a set-based engine the database,
    not Python, is where the time goes, and cProfile shows it only as `wait`."""

    def __init__(self):
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - start, " ".join(str(sql).split())))

    def print_top(self, top: int = 15) -> None:
        total = sum(seconds for seconds, _ in self.statements)
        print(f"--- SQL statements: {len(self.statements)}, {total:.2f} s; top {top} by time ---")
        for seconds, sql in sorted(self.statements, reverse=True)[:top]:
            print(f"{seconds:8.3f} s  {sql[:300]}")
        # A chunked statement (the new customers' inserts, the FK checks) runs many times:
        # its total is what the import spends on it.
        groups: dict[str, list[float]] = {}
        for seconds, sql in self.statements:
            groups.setdefault(sql[:110], []).append(seconds)
        print(f"--- SQL statements grouped by their first 110 characters; top {top} by total ---")
        ranked = sorted(groups.items(), key=lambda item: -sum(item[1]))[:top]
        for sql, times in ranked:
            print(f"{sum(times):8.3f} s  x{len(times):<3} {sql}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--company", type=int, required=True, help="the company's database id")
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--mapping", default="", help="a column mapping of the company (R58)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument(
        "--sql-profile",
        action="store_true",
        help="time the SQL statements only (no cProfile, whose overhead inflates the Python part)",
    )
    args = parser.parse_args(argv)

    from bench.djangoenv import setup

    setup()
    from django.db import connection
    from django_scopes import scope, scopes_disabled

    from companies.models import Company
    from customers.models import Customer, CustomerEvent
    from imports.services import import_file

    with scopes_disabled():
        company = Company.objects.select_related("tenant").get(pk=args.company)
    profiler = cProfile.Profile() if args.profile else None
    sql_timer = SqlTimer()
    with (
        connection.execute_wrapper(sql_timer)
        if args.profile or args.sql_profile
        else nullcontext(),
        scope(tenant=company.tenant_id),
    ):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        result = import_file(
            args.file,
            tenant=company.tenant,
            company=company,
            replace=args.replace,
            mapping=args.mapping,
        )
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    if profiler:
        print_profile(profiler)
    if args.profile or args.sql_profile:
        sql_timer.print_top()
        print(
            f"--- outside SQL (Python, and the wait for the file): "
            f"{seconds - sum(t for t, _ in sql_timer.statements):.2f} s of {seconds:.2f} s ---"
        )
    with scope(tenant=company.tenant_id):
        customers = Customer.objects.filter(company=company).count()
        events = CustomerEvent.objects.filter(company_id=company.pk).count()
    print(
        RESULT_MARK
        + json.dumps(
            {
                "seconds": seconds,
                "status": result.status,
                "counts": result.counts,
                "message": result.message,
                "issues": [str(i) for i in result.issues[:5]],
                "customers": customers,
                "customer_events": events,
                "peak_rss_mb": peak,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
