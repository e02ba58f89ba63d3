"""The import benchmark (SPEC P1-P3, P6), in one run:

  .venv/bin/python bench/imports_bench.py [--rows-small N] [--rows-large N] [--big] [--huge]
                                          [--profile]

1. generates basic-template workbooks (cached in bench/.data/): small and large, each also with
   a fifth of the cells changed;
2. times CertHub's `imports.services.import_file` (file to committed rows, validation and
   history included), each import in a child process that also reports its peak memory:
   new customers, re-import with a fifth changed, unchanged re-import, small and large;
3. times django-import-export 4.x on the small files in its default, bulk and tuned bulk
   configurations, for create and update, twice each: into CertHub's own customer and ship-to
   zone tables in the tenant's scope, history triggers on (P1's reference, on equal terms), and
   into a plain table without indexes or history (information);
4. times the floors: calamine read + COPY + one INSERT ... ON CONFLICT of the large file,
   into (a) a plain table and (b) a copy of customers_customer with all its indexes (P2's
   reference);
5. with --huge (P6), the 1,048,575-row file of five columns: its indexed floor,
   `manage.py import_customers` new and unchanged, and the web page's path (the batch service,
   validation and apply by a real `db_worker`), with each process's peak memory and the longest
   time the progress bar stood still;
6. prints one line per target, and a cProfile of each CertHub import that misses its target.
The bench makes its own tenant `bench-imports`, tables and media folder, and removes them.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench import workbooks  # noqa: E402
from bench.certhub_run import RESULT_MARK  # noqa: E402
from bench.djangoenv import settle  # noqa: E402

# SPEC P1: against import-export's fastest configuration into CertHub's own tables.
P1_MIN_RATIO = {"new": 6, "changed": 20}
P2_NEW_MAX, P2_UNCHANGED_MAX = 1.5, 0.5
P3_LARGE_MB, P3_BIG_MB = 300, 1024
P6_MAX, P6_UNCHANGED_MAX, P6_MB, P6_PROGRESS_GAP = 1.5, 0.5, 1024, 2.0
MANAGE = str(BENCH.parent / "manage.py")
CSV_MAX_RATIO = 1.2  # R58, issue 14: a mapped CSV against the same rows as a template .xlsx


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="CertHub import benchmark (P1-P3).")
    parser.add_argument(
        "--rows-small", type=int, default=10_000, help="rows of the P1 file (default 10,000)"
    )
    parser.add_argument(
        "--rows-large", type=int, default=100_000, help="rows of the P2/P3 file (default 100,000)"
    )
    parser.add_argument(
        "--big", action="store_true", help="also import the largest accepted file (~49 MB; slow)"
    )
    parser.add_argument(
        "--huge",
        action="store_true",
        help="P6: the 1,048,575-row file from the command line and through the "
        "web page's background task with a real db_worker (slow)",
    )
    parser.add_argument(
        "--huge-rows",
        type=int,
        default=None,
        help="rows of the --huge file (default 1,048,575; fewer for a quick check)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile every CertHub case, not only those missing a target",
    )
    parser.add_argument("--no-profile", action="store_true", help="never profile")
    parser.add_argument(
        "--peer-modes",
        default="default,bulk,bulk+",
        help="django-import-export configurations to run, comma-separated (default all "
        "three; P1's verdict is against the fastest of those run). 'default' and 'bulk' look "
        "each row up by its number and take ~20 minutes on a 2-core machine",
    )
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s"


def spread(runs: list[float]) -> str:
    """The seconds of each run of a case, e.g. '1.92 s .. 2.10 s (best of 2)'."""
    return f"{min(runs):.2f} s .. {max(runs):.2f} s, best of {len(runs)}"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# --- CertHub, one import per child process ------------------------------------------------------


def certhub_import(path: Path, company, *, profile: bool = False, mapping: str = "") -> dict:
    """Run import_file in a fresh process; returns what bench/certhub_run.py reports."""
    command = [
        sys.executable,
        str(BENCH / "certhub_run.py"),
        str(path),
        "--company",
        str(company.pk),
    ]
    if profile:
        command.append("--profile")
    if mapping:
        command += ["--mapping", mapping]
    settle()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    marked = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if done.returncode or not marked:
        raise RuntimeError(f"CertHub import of {path.name} failed:\n{done.stdout}{done.stderr}")
    if profile:
        say(
            "\n".join(line for line in done.stdout.splitlines() if not line.startswith(RESULT_MARK))
        )
    result = json.loads(marked[-1][len(RESULT_MARK) :])
    if result["status"] != "applied":
        raise RuntimeError(f"CertHub did not apply {path.name}: {result}")
    return result


def _counts(counts: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items() if isinstance(v, int) and v)


def measure_certhub(world, files: dict, rows: int, label: str, repeat: int = 2) -> dict:
    """New, a fifth changed, unchanged: three imports into a fresh company, `repeat` times;
    each case keeps its best run, as the floors do (a run's figure drifts by a tenth or more
    on a shared machine)."""
    best, peaks, runs = {}, {}, {}
    for attempt in range(1, repeat + 1):
        company = world.company(f"CH-{label.upper()}-{attempt}")
        results = {}
        for case, path in (
            ("new", files["base"]),
            ("changed", files["changed"]),
            ("unchanged", files["changed"]),
        ):
            result = certhub_import(path, company)
            if result["customers"] != rows:
                raise RuntimeError(f"expected {rows} customers after {case}, found {result}")
            results[case] = result
            if case == "unchanged":  # P2: re-importing the unchanged file writes nothing
                result["events_written"] = (
                    result["customer_events"] - results["changed"]["customer_events"]
                )
            say(
                f"  certhub {case:9} {rows:>9,}: {result['seconds']:7.2f} s "
                f"{rate(rows, result['seconds']):>16}, peak {result['peak_rss_mb']:5.0f} MB "
                f"({_counts(result['counts'])})"
            )
            peaks[case] = max(peaks.get(case, 0), result["peak_rss_mb"])
            runs.setdefault(case, []).append(result["seconds"])
            if case not in best or result["seconds"] < best[case]["seconds"]:
                best[case] = result
    for case, peak in peaks.items():  # P3 bounds the worst run, not the best
        best[case]["peak_rss_mb"] = peak
        best[case]["all_seconds"] = runs[case]
    return best


def measure_mapped_csv(world, workbook: Path, rows: int, repeat: int = 2) -> dict:
    """R58: the rows of the large workbook as an accounting export's CSV (other titles, read
    through a saved mapping) against the workbook itself, new customers into fresh companies.
    The two are imported in pairs, in alternating order, so that both meet the same table size
    and the same load; {"csv": best run, "xlsx": best run}."""
    from bench.mapped_csv import MAPPING_NAME, mapped_csv, save_mapping

    path = mapped_csv(workbook)
    best = {}
    for attempt in range(1, repeat + 1):
        pair = [("xlsx", workbook, ""), ("csv", path, MAPPING_NAME)]
        for kind, source, mapping in pair if attempt % 2 else reversed(pair):
            company = world.company(f"CH-R58-{kind.upper()}-{attempt}")
            if mapping:
                save_mapping(company)
            result = certhub_import(source, company, mapping=mapping)
            if result["customers"] != rows:
                raise RuntimeError(f"expected {rows} customers from {source.name}: {result}")
            say(
                f"  certhub {'mapped csv' if mapping else 'same xlsx'} {rows:>9,}: "
                f"{result['seconds']:7.2f} s {rate(rows, result['seconds']):>16}, "
                f"peak {result['peak_rss_mb']:5.0f} MB"
            )
            if kind not in best or result["seconds"] < best[kind]["seconds"]:
                best[kind] = result
    return best


# --- django-import-export ----------------------------------------------------------------------


def measure_import_export(world, files: dict, rows: int, modes: list[str], passes: int = 2) -> dict:
    """django-import-export in each of `modes`, new then a fifth changed, into CertHub's
    tables (P1's reference) and into the plain table (information); `passes` runs of each.
    Returns {(target, mode, case): [seconds of each pass]}."""
    from django.db import connection
    from django_scopes import scope

    from bench.iie.models import BenchCustomer
    from bench.iie.resources import run_import
    from customers.models import Customer

    results: dict = {}
    for attempt in range(1, passes + 1):
        for target in ("certhub", "plain"):
            for mode in modes:
                company = world.company(f"IIE-{target}-{mode}-{attempt}".upper())
                BenchCustomer.objects.all().delete()
                for case, path in (("new", files["base"]), ("changed", files["changed"])):
                    # Current statistics, as CertHub leaves them after its own imports: the
                    # per-row lookups of 'default' and 'bulk' then know the company's rows
                    # (a company the statistics have not seen is estimated empty, and its
                    # (company, number) lookup may walk the company's name index instead).
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE customers_customer, bench_iie_benchcustomer")
                    settle()
                    seconds, totals = run_import(path, mode=mode, company=company, target=target)
                    if target == "certhub":
                        with scope(tenant=company.tenant_id):
                            stored = Customer.objects.filter(company=company).count()
                    else:
                        stored = BenchCustomer.objects.filter(company=company).count()
                    if stored != rows:
                        raise RuntimeError(
                            f"import-export {target} {mode} {case}: {stored} rows, not {rows}"
                        )
                    results.setdefault((target, mode, case), []).append(seconds)
                    say(
                        f"  import-export {target:7} {mode:7} {case:7} {rows:>9,}: "
                        f"{seconds:7.2f} s {rate(rows, seconds):>16} ({_counts(totals)})"
                    )
    BenchCustomer.objects.all().delete()
    return results


def create_reference_tables() -> None:
    from django.db import connection

    from bench import floor
    from bench.iie.models import BenchCustomer

    drop_reference_tables()
    with connection.schema_editor() as editor:
        editor.create_model(BenchCustomer)
    floor.create_table()


def drop_reference_tables() -> None:
    from django.db import connection

    from bench import floor
    from bench.iie.models import BenchCustomer

    if BenchCustomer._meta.db_table in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.delete_model(BenchCustomer)
    floor.drop_table()


def measure_floor(world, path: Path, rows: int, repeat: int = 2) -> dict:
    """The best of `repeat` runs into an empty table (the stricter floor), for each of the
    two tables: plain (a) and the indexed copy of customers_customer (b, P2's reference)."""
    from bench import floor

    company = world.company("FLOOR")
    best = {}
    for indexed in (False, True):
        kind = "indexed" if indexed else "plain"
        for _ in range(repeat):
            floor.empty_table()
            settle()
            seconds = floor.run_floor(path, company=company, indexed=indexed)
            best[kind] = min(best.get(kind, seconds), seconds)
            say(f"  floor {kind:7} new {rows:>9,}: {seconds:7.2f} s {rate(rows, seconds):>16}")
    floor.empty_table()
    return best


def measure_p1_bound(world, files: dict, rows: int, repeat: int = 2) -> dict:
    """The indexed floor (b) on P1's small files, new and a fifth changed (the upsert of the
    changed file into the table holding the base file): the P1 ratio that no import keeping
    customers_customer's indexes can beat, printed beside P1's verdict."""
    from bench import floor

    company = world.company("FLOOR-P1")
    best = {}
    for case in ("new", "changed"):
        for _ in range(repeat):
            floor.empty_table()
            if case == "changed":
                floor.run_floor(files["base"], company=company, indexed=True)
            settle()
            seconds = floor.run_floor(
                files["base" if case == "new" else "changed"], company=company, indexed=True
            )
            best[case] = min(best.get(case, seconds), seconds)
            say(f"  floor indexed {case:7} {rows:>7,}: {seconds:7.2f} s {rate(rows, seconds):>16}")
    floor.empty_table()
    return best


# --- P6: the largest file, from the command line and through the web page's worker ------------


def run_child(command: list[str]) -> tuple[float, float, int, str]:
    """Run a command to its end: (seconds, its peak resident memory in MB, exit code, output)."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, child.returncode, out.read()


def cli_import(path: Path, company) -> dict:
    """`manage.py import_customers` in a process of its own, start-up included."""
    settle()
    seconds, peak, code, output = run_child(
        [
            sys.executable,
            MANAGE,
            "import_customers",
            str(path),
            "--tenant",
            company.tenant.slug,
            "--company",
            company.code,
        ]
    )
    if code != 0:
        raise RuntimeError(f"import_customers exited {code}:\n{output[-3000:]}")
    return {"seconds": seconds, "peak_rss_mb": peak}


def _watch(batch_id: int, tenant_id: int, until: set[str]) -> tuple[float, float, str, str]:
    """Poll a batch until its status is in `until`: (seconds, the longest time the progress
    stood still once it had started moving, the final status, what the page showed during that
    time). The wait for a worker to pick the task up is not a still progress bar; the worker's
    own time is."""
    from django_scopes import scope

    from imports.models import ImportBatch

    start = time.perf_counter()
    longest, last_move, previous, where = 0.0, None, None, ""
    while True:
        with scope(tenant=tenant_id):
            status, *done = ImportBatch.objects.values_list("status", "rows_done", "step").get(
                pk=batch_id
            )  # a new step is a move too
        now = time.perf_counter()
        if status in until:
            done = ["finished"]
        if previous is not None and done != previous:
            if last_move is not None and now - last_move > longest:
                longest, where = now - last_move, _shown(previous)
            last_move = now
        previous = done
        if status in until:
            return now - start, longest, status, where
        time.sleep(0.1)


def _shown(done: list) -> str:
    """What the batch page said while (rows_done, step) stood at `done`."""
    rows_done, step = done
    return f"'{step}'" if step else f"{rows_done:,} rows read"


def web_import(path: Path, company, user) -> dict:
    """Upload as the Import page does (the batch service), then validation and apply by a real
    `db_worker` process: seconds of each phase, the worker's peak memory, the longest stretch
    the progress bar stood still."""
    from django.core.files import File
    from django_scopes import scope

    from imports import services
    from imports.models import ImportBatch, Status

    log = tempfile.NamedTemporaryFile("w+", suffix=".log")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(
        [sys.executable, MANAGE, "db_worker", "--no-startup-delay"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        settle()
        with path.open("rb") as handle, scope(tenant=company.tenant_id):
            start = time.perf_counter()
            batch = services.batch_create(
                tenant=company.tenant,
                company=company,
                user=user,
                uploaded_file=File(handle, name=path.name),
                replace=False,
            )
            upload = time.perf_counter() - start
        validate, validate_still, status, validate_where = _watch(
            batch.pk, company.tenant_id, {Status.READY, Status.FAILED}
        )
        if status != Status.READY:
            raise RuntimeError(f"the web import's validation ended {status}")
        with scope(tenant=company.tenant_id):
            batch = ImportBatch.objects.get(pk=batch.pk)
            services.batch_start_apply(batch=batch, user=user)
        apply, apply_still, status, apply_where = _watch(
            batch.pk, company.tenant_id, {Status.APPLIED, Status.FAILED}
        )
        if status != Status.APPLIED:
            raise RuntimeError(f"the web import's apply ended {status}")
    finally:
        worker.terminate()
        _, _, usage = os.wait4(worker.pid, 0)
        worker.returncode = 0
        log.close()
    return {
        "seconds": upload + validate + apply,
        "upload": upload,
        "validate": validate,
        "apply": apply,
        "still": max(validate_still, apply_still),
        "still_at": (
            f"validating, {validate_where}"
            if validate_still >= apply_still
            else f"applying, {apply_where}"
        ),
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def measure_huge(world, rows: int) -> dict:
    from accounts.models import User
    from bench import floor

    start = time.perf_counter()
    path = workbooks.huge_workbook(rows)
    say(
        f"  workbook of {rows:,} rows: {path.name} ({path.stat().st_size / 1e6:.1f} MB, "
        f"{time.perf_counter() - start:.0f} s incl. generation)"
    )
    # The floor's best of two, as P2's (its million-row insert drifted 77-96 s between runs).
    floors = []
    for attempt in (1, 2):
        floor.empty_table()
        settle()
        company = world.company(f"HUGE-FLOOR-{attempt}")
        floors.append(floor.run_floor(path, company=company, indexed=True))
        floor.empty_table()
        say(f"  floor indexed new {rows:,}: {floors[-1]:.1f} s {rate(rows, floors[-1])}")
    floor_seconds = min(floors)
    # CertHub starts, as the floor does, from tables without the bench's other rows (a table
    # already holding the P1-P2 runs' 600,000 customers made this import 1.7 times slower).
    world.reset()
    company = world.company("HUGE-CLI")
    cli = cli_import(path, company)
    say(
        f"  certhub import_customers new: {cli['seconds']:.1f} s {rate(rows, cli['seconds'])}, "
        f"peak {cli['peak_rss_mb']:.0f} MB"
    )
    unchanged = cli_import(path, company)
    say(
        f"  certhub import_customers unchanged: {unchanged['seconds']:.1f} s, "
        f"peak {unchanged['peak_rss_mb']:.0f} MB"
    )
    world.reset()  # the web import too, not with the command line's million customers
    user = User.objects.create_user(email="bench-huge@bench.invalid")
    try:
        web = web_import(path, world.company("HUGE-WEB"), user)
    finally:
        user.delete()
    say(
        f"  certhub web (upload {web['upload']:.1f} s, validate {web['validate']:.1f} s, apply "
        f"{web['apply']:.1f} s): {web['seconds']:.1f} s, worker peak {web['peak_rss_mb']:.0f} MB,"
        f" progress still at most {web['still']:.1f} s ({web['still_at']})"
    )
    return {"rows": rows, "floor": floor_seconds, "cli": cli, "unchanged": unchanged, "web": web}


def report_huge(huge: dict) -> None:
    floor_seconds = huge["floor"]
    for label, result, limit in (
        ("command line", huge["cli"], P6_MAX),
        ("web page's worker", huge["web"], P6_MAX),
        ("command line, unchanged", huge["unchanged"], P6_UNCHANGED_MAX),
    ):
        ratio = result["seconds"] / floor_seconds
        ok = ratio <= limit and result["peak_rss_mb"] < P6_MB
        say(
            f"P6 {huge['rows']:,} rows, {label}: {result['seconds']:.1f} s, floor (b) indexed "
            f"{floor_seconds:.1f} s -> {ratio:.2f}x (target <= {limit}), peak "
            f"{result['peak_rss_mb']:.0f} MB (target < {P6_MB} MB) {verdict(ok)}"
        )
    still = huge["web"]["still"]
    say(
        f"P6 progress bar: still at most {still:.1f} s, {huge['web']['still_at']} "
        f"(target <= {P6_PROGRESS_GAP:.0f} s) "
        f"{verdict(still <= P6_PROGRESS_GAP)}"
    )


# --- profiles of the cases that miss their target ----------------------------------------------


def profile_cases(world, misses: list[str], small: dict, large: dict) -> None:
    for case in misses:
        say(f"\n=== profile: {case} ===")
        if case == "P1 create":
            certhub_import(small["base"], world.company("PROF-P1N"), profile=True)
        elif case == "P1 update":
            company = world.company("PROF-P1U")
            certhub_import(small["base"], company)
            certhub_import(small["changed"], company, profile=True)
        elif case == "P2 new":
            certhub_import(large["base"], world.company("PROF-P2N"), profile=True)
        elif case == "P2 unchanged":
            company = world.company("PROF-P2U")  # (the P6 run may have reset the world)
            certhub_import(large["changed"], company)
            certhub_import(large["changed"], company, profile=True)


# --- the run ------------------------------------------------------------------------------------


def generate(rows: int) -> dict:
    start = time.perf_counter()
    files = {
        "base": workbooks.basic_workbook(rows),
        "changed": workbooks.basic_workbook(rows, changed=True),
    }
    say(
        f"  workbooks of {rows:,} rows: {files['base'].name} "
        f"({files['base'].stat().st_size / 1e6:.1f} MB), {files['changed'].name} "
        f"({time.perf_counter() - start:.1f} s incl. generation)"
    )
    return files


def run(args) -> None:
    from django.core.management import call_command

    from bench.world import BenchWorld

    call_command("migrate", verbosity=0)
    say("Workbooks (bench/.data/):")
    small, large = generate(args.rows_small), generate(args.rows_large)
    big = workbooks.big_workbook() if args.big else None
    world = BenchWorld()
    create_reference_tables()
    try:
        say("CertHub import_file (a process each):")
        ch_small = measure_certhub(world, small, args.rows_small, "small")
        ch_large = measure_certhub(world, large, args.rows_large, "large")
        ch_csv = measure_mapped_csv(world, large["base"], args.rows_large)
        ch_big = None
        if big:
            ch_big = certhub_import(big, world.company("CH-BIG"))
            say(
                f"  certhub big {ch_big['customers']:,} rows ({big.stat().st_size / 1e6:.1f} MB):"
                f" {ch_big['seconds']:.2f} s, peak {ch_big['peak_rss_mb']:.0f} MB"
            )
        say("django-import-export 4.x (same small files; into CertHub's tables, and a plain one):")
        modes = [mode for mode in args.peer_modes.split(",") if mode]
        iie = measure_import_export(world, small, args.rows_small, modes)
        say(
            "Floors (calamine + COPY + INSERT ... ON CONFLICT; (a) plain table, "
            "(b) copy of customers_customer with all its indexes):"
        )
        floor_seconds = measure_floor(world, large["base"], args.rows_large)
        p1_bound = measure_p1_bound(world, small, args.rows_small)

        huge = None
        if args.huge:
            say("P6, the largest file (command line, then the web page's background task):")
            huge = measure_huge(world, args.huge_rows or workbooks.HUGE_ROWS)

        say("")
        misses = report(args, ch_small, ch_large, ch_big, iie, floor_seconds, p1_bound)
        report_csv(args, ch_csv)
        if huge:
            report_huge(huge)
        if args.profile:
            misses = ["P1 create", "P1 update", "P2 new", "P2 unchanged"]
        if misses and not args.no_profile:
            profile_cases(world, misses, small, large)
    finally:
        drop_reference_tables()
        world.remove()


def report(args, ch_small, ch_large, ch_big, iie, floor_seconds, p1_bound) -> list[str]:
    """Print one line per target; returns the CertHub cases that missed."""
    misses = []
    small_k, large_k = f"{args.rows_small // 1000}k", f"{args.rows_large // 1000}k"
    for case, name in (("new", "create"), ("changed", "update")):
        certhub = args.rows_small / ch_small[case]["seconds"]
        label = "create" if name == "create" else "update (a fifth changed)"
        say(
            f"P1 {label} {small_k}: certhub {certhub:,.0f} rows/s "
            f"(runs {spread(ch_small[case]['all_seconds'])})"
        )
        best = {}
        for target in ("certhub", "plain"):
            for mode in ("default", "bulk", "bulk+"):
                if (target, mode, case) not in iie:
                    continue
                runs = iie[(target, mode, case)]
                reference = args.rows_small / min(runs)
                if reference > best.get(target, (0.0, ""))[0]:
                    best[target] = (reference, mode)
                say(
                    f"     import-export {mode:7} into {target:7}: {reference:8,.0f} rows/s "
                    f"(runs {spread(runs)}) -> ratio {certhub / reference:5.1f}"
                )
        reference, mode = best["certhub"]
        ratio = certhub / reference
        ok = ratio >= P1_MIN_RATIO[case]
        plain_reference, plain_mode = best["plain"]
        bound = args.rows_small / p1_bound[case]
        say(
            f"P1 {label} {small_k}: ratio {ratio:.1f} to import-export's best into CertHub's "
            f"tables ({mode}, {reference:,.0f} rows/s) (target >= {P1_MIN_RATIO[case]}) "
            f"{verdict(ok)}  [info: {certhub / plain_reference:.1f} to its best into a plain "
            f"table ({plain_mode}); floor (b) indexed itself {bound:,.0f} rows/s -> ratio "
            f"{bound / reference:.1f}]"
        )
        if not ok:
            misses.append(f"P1 {name}")
    plain, indexed = floor_seconds["plain"], floor_seconds["indexed"]
    for case, limit, name in (
        ("new", P2_NEW_MAX, "new"),
        ("unchanged", P2_UNCHANGED_MAX, "unchanged"),
    ):
        seconds = ch_large[case]["seconds"]
        ratio = seconds / indexed
        ok = ratio <= limit
        written = ""
        if case == "unchanged":
            events = ch_large[case]["events_written"]
            ok = ok and events == 0
            written = f", {events:,} customer history rows written (target 0)"
        say(
            f"P2 {name} {large_k}: certhub {seconds:.2f} s, floor (b) indexed {indexed:.2f} s -> "
            f"{ratio:.2f}x (target <= {limit}){written} {verdict(ok)}  "
            f"[floor (a) plain {plain:.2f} s -> {seconds / plain:.2f}x]"
        )
        if not ok:
            misses.append(f"P2 {name}")
    changed = ch_large["changed"]["seconds"]
    say(
        f"   (changed {large_k}: certhub {changed:.2f} s, "
        f"{rate(args.rows_large, changed)}; no target)"
    )
    peak = max(ch_large[c]["peak_rss_mb"] for c in ("new", "changed", "unchanged"))
    say(
        f"P3 peak RSS {large_k}: {peak:.0f} MB (target < {P3_LARGE_MB} MB) "
        f"{verdict(peak < P3_LARGE_MB)}"
    )
    if ch_big:
        say(
            f"P3 peak RSS largest file ({ch_big['customers']:,} rows): "
            f"{ch_big['peak_rss_mb']:.0f} MB (target < 1 GB) "
            f"{verdict(ch_big['peak_rss_mb'] < P3_BIG_MB)}"
        )
    else:
        say("P3 peak RSS largest file: skipped (use --big)")
    return misses


def report_csv(args, ch_csv) -> None:
    """R58 (issue 14): a mapped CSV imports within CSV_MAX_RATIO of the same rows as a template
    workbook (new customers, each the best of its runs in measure_mapped_csv's pairs)."""
    csv_seconds, xlsx_seconds = ch_csv["csv"]["seconds"], ch_csv["xlsx"]["seconds"]
    ratio = csv_seconds / xlsx_seconds
    say(
        f"R58 mapped CSV {args.rows_large // 1000}k: certhub {csv_seconds:.2f} s, same rows as "
        f"template .xlsx {xlsx_seconds:.2f} s -> {ratio:.2f}x (target <= {CSV_MAX_RATIO}) "
        f"{verdict(ratio <= CSV_MAX_RATIO)}"
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    # Uploaded copies of the workbooks go to a folder of this run, never to the app's media.
    media = tempfile.mkdtemp(prefix="certhub-bench-media-")
    os.environ["CERTHUB_MEDIA_ROOT"] = media
    os.environ["CERTHUB_S3_BUCKET"] = ""
    from bench.djangoenv import setup

    setup()
    try:
        run(args)
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
