"""The set-based import engine (R33-R40): no per-row ORM.

1. load: the cleaned records of every row are COPYed into a session TEMP table (in chunks,
   reporting progress between them), which the plan reads as `imp_rec`; a web batch's check
   COPYs them into an UNLOGGED table instead and keeps it, so that its apply skips this step
   (imports.checked);
2. plan: one row per customer number (`imp_cust`), the checks that need other rows or the
   database (R18, R33, R35) made in SQL, and every change the file would make written to
   ImportChange (the preview; recomputed when applying, it is the undo record);
3. write (apply only): one UPDATE of the changed customers, one INSERT of the new ones, one
   statement per zone/link table, in one transaction under the company's import lock
   (imports.locks). Each statement writes its history rows too, with the user and the batch
   (R14; imports.history: pghistory's per-row triggers are off for the engine's own writes).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper

from companies.models import Company, Membership
from companies.tenancy import reachable_companies_q
from customers.models import TAX_FIELDS
from customers.settings_resolution import effective_setting
from documents.models import Document
from imports import checked
from imports.columns import BILLING, FULL, SHIPPING, title_for
from imports.csv_reader import open_table
from imports.header import Layout, read_header
from imports.history import event_insert, recorded_by_engine
from imports.locks import lock_company
from imports.mapping import TitlesRefused, mapped_layout, titles_key
from imports.models import CheckedRows, ColumnMapping, ImportBatch, ImportCounts
from imports.reader import Sheet, WorkbookRefused
from imports.rows import (
    DETAIL_FIELDS,
    ERROR,
    Issue,
    Record,
    RowCleaner,
    digest_fields,
    stored_digest_sql,
)
from imports.schema import CHANGES, COLUMN, COMPANIES, CUSTOMERS, LINKS, ZONES, Table

COPY_CHUNK = 10_000  # rows per COPY; progress is reported between them
MAX_STORED_ISSUES = 10_000
PLAN_WORK_MEM = "64MB"

# The columns of `imp_rec`: the fields of a Record, in order (COPY writes records as they are).
_SQL_TYPES = {int: "int8", int | None: "int8", bool: "bool"}  # text for the others
_REC_COLUMNS = [
    (name, "int4" if name == "row_no" else _SQL_TYPES.get(kind, "text"))  # rows fit int4
    for name, kind in Record.__annotations__.items()
]
_REC_TABLE = ", ".join(f"{name} {kind}" for name, kind in _REC_COLUMNS)
_REC_TYPES = [kind for _, kind in _REC_COLUMNS]


WRITE_CHUNK = 5_000  # new customers per INSERT: ~1 s each under load, so the progress moves (P6)


class _Steps:
    """Progress after the rows are read (P6): `progress(done, total, step)` once per statement,
    `step` saying in the user's terms what the engine is doing ("checking ...: step 3 of 14",
    "writing new customers: 40,000 of 1,048,575"); done/total count the steps of the phase, or
    the customers of a step written in chunks."""

    def __init__(self, progress, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def step(self, label: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total, f"{label}: step {self.done} of {self.total}")

    def part(self, label: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total, f"{label}: {done:,} of {total:,}")


@dataclass
class Result:
    template: str = ""
    read_as: str = ""  # how a CSV was read (R58); "" for a workbook
    rows_total: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    issues: list[Issue] = field(default_factory=list)  # capped at MAX_STORED_ISSUES
    applied: bool = False
    applied_at: datetime | None = None  # the apply transaction's time, as the rows record it
    # The customer table wants a VACUUM for its visibility map (see vacuum_customers): the
    # caller runs vacuum_customers once the batch is saved, so nobody waits on it.
    vacuum: bool = False


NO_ROWS = "The file has titles but no customer rows: there is nothing to import."


class _Issues:
    """Issues with exact counts; only the first MAX_STORED_ISSUES are kept."""

    def __init__(self):
        self.kept: list[Issue] = []
        self.errors = self.warnings = 0
        self.error_rows: set[int] = set()

    def add(self, issue: Issue) -> None:
        if issue.level == ERROR:
            self.errors += 1
            self.error_rows.add(issue.row)
        else:
            self.warnings += 1
        if len(self.kept) < MAX_STORED_ISSUES:
            self.kept.append(issue)

    def as_json(self) -> dict:
        return {
            "kept": [list(issue) for issue in self.kept],
            "errors": self.errors,
            "warnings": self.warnings,
            "error_rows": sorted(self.error_rows),
        }

    @classmethod
    def from_json(cls, data: dict) -> "_Issues":
        issues = cls()
        issues.kept = [Issue(*issue) for issue in data["kept"]]
        issues.errors, issues.warnings = data["errors"], data["warnings"]
        issues.error_rows = set(data["error_rows"])
        return issues


def run(
    path,
    *,
    batch: ImportBatch,
    apply: bool,
    user_id=None,
    skip_errors: bool = True,
    progress=None,
    keep: bool = False,
) -> Result:
    """Validate the file against the batch's company; apply it too when asked (and when it has
    no row errors, unless skip_errors). Raises WorkbookRefused before anything is written.
    With `keep` (a web batch's check) the cleaned records are kept for the apply, which then
    reads them instead of the file while what cleaning depended on is unchanged
    (imports.checked)."""
    company = batch.company
    kept = CheckedRows.objects.filter(batch=batch).first() if apply and batch.pk else None
    sheet: Sheet | None = None
    if kept:
        header = tuple(kept.header)
    else:
        sheet = open_table(path, name=batch.original_name)
        header = sheet.header
    layout = layout_of(header, batch)
    targets = _target_companies(batch, layout)
    if keep:
        checked.discard(batch.pk)  # an earlier check's
    saved = False
    try:
        with connection.cursor() as cursor:
            cleaning = _address_validation(cursor, targets.ids)
            inputs = _inputs_digest(layout, targets, cleaning)
            if kept and checked.usable(cursor, kept, inputs):
                read = _read_kept(cursor, kept, progress)
            else:  # (kept rows out of date: the file is read again)
                sheet = sheet or open_table(path, name=batch.original_name)
                table = checked.table_name(batch.pk) if keep else "imp_rec_rows"
                read = _read_file(cursor, table, sheet, layout, targets, cleaning, progress, keep)
            issues, rows, loaded = read.issues, read.rows, read.loaded
            issues_read = issues.as_json() if keep else None  # the plan adds its own next
            result = Result(template=layout.kind, read_as=read.read_as, rows_total=read.rows_total)
            if batch.mirror and not loaded:
                raise WorkbookRefused(
                    "This file is declared the company's whole customer list but holds no "
                    "customers: applying it would make every customer inactive."
                )
            if not rows:
                raise WorkbookRefused(NO_ROWS)
            with transaction.atomic():
                # The plan's GROUP BY and DISTINCT over the file's rows hash in memory instead
                # of spilling to disk (~30 MB at 100,000 rows; this transaction only).
                cursor.execute(f"SET LOCAL work_mem = '{PLAN_WORK_MEM}'")
                if apply:
                    for company_id in sorted(targets.ids):  # one order: no deadlock
                        lock_company(company_id)
                steps = _Steps(progress, _plan_steps(batch))
                _plan(cursor, layout, batch, issues, targets.ids, steps, read)
                steps.step("counting the changes")
                result.counts = _counts(cursor, batch, rows, issues)
                result.applied = apply and (skip_errors or not issues.errors)
                if result.applied:
                    steps = _Steps(progress, _write_steps(result.counts))
                    with recorded_by_engine(
                        cursor, user=user_id, import_batch=str(batch.public_id)
                    ) as context_id:
                        _write(
                            cursor,
                            company,
                            result.counts,
                            steps,
                            context={"pgh_context": context_id, "batch": batch.pk},
                        )
                    cursor.execute("SELECT now()")
                    result.applied_at = cursor.fetchone()[0]
            if keep:
                _keep(batch, inputs, header, read, issues_read)
                saved = True
            if result.applied:
                steps.step("updating the planner's statistics")
                analyzed = refresh_statistics(cursor, _written(result.counts))
                result.vacuum = str(CUSTOMERS) in analyzed and _mostly_new(result.counts)
    finally:
        _drop_temp_tables()
        if keep and not saved and _connection_usable():
            checked.drop_table(batch.pk)
    if kept and result.applied:
        checked.discard(batch.pk)  # applied: the batch is never read again
    result.issues = sorted(
        _in_file_titles(issues.kept, batch), key=lambda i: (i.row, i.level != ERROR)
    )
    return result


def _in_file_titles(issues: list[Issue], batch: ImportBatch) -> list[Issue]:
    """Issues of a file read through a mapping name its own column titles (R38, R58), so the
    user finds them, and the error file marks those cells."""
    if batch.mapping is None:
        return issues
    titles = {title: mine for title, mine in batch.mapping.pairs.items() if mine}
    return [
        issue._replace(column=", ".join(titles.get(t, t) for t in issue.column.split(", ")))
        for issue in issues
    ]


def layout_of(header: tuple[str, ...], batch: ImportBatch) -> Layout:
    """The template's Layout of the file's titles (R31, R32), else through the batch's mapping
    or, found by the titles, a mapping the company saved (R58; then set on `batch`). Raises
    TitlesRefused (R32's message) when the titles are not the template's and nothing maps
    them."""
    if batch.mapping is not None:
        return mapped_layout(header, batch.mapping.pairs)
    try:
        return read_header(header)
    except WorkbookRefused as refusal:
        saved = (
            ColumnMapping.objects.filter(company_id=batch.company_id, titles_key=titles_key(header))
            .order_by("-updated_at")
            .first()
        )
        if saved is None:
            raise TitlesRefused(
                f"{refusal} Its columns can be mapped to the template's titles."
            ) from refusal
        batch.mapping = saved
        return mapped_layout(header, saved.pairs)


def _connection_usable() -> bool:
    return connection.connection is not None and not connection.needs_rollback


def _drop_temp_tables() -> None:
    if not _connection_usable():
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP VIEW IF EXISTS imp_rec")
        cursor.execute("DROP TABLE IF EXISTS imp_rec_rows, imp_cust")


def _inputs_digest(layout: Layout, targets: "_Targets", cleaning: dict) -> str:
    """What RowCleaner's records depend on besides the file (imports.checked): the columns,
    the companies rows may go to and which require tax fields, the address validation of
    each company and customer; and the records' own columns (a release that changes Record
    between a check and its apply must not read the kept table as if it had its columns)."""
    return checked.inputs_digest(
        _REC_TABLE,
        repr(layout),
        sorted(targets.by_code.items()),
        sorted(targets.tax_required),
        sorted(cleaning["validate_address"]),
        sorted((list(key), value) for key, value in cleaning["validate_overrides"].items()),
    )


# --- 1. load ----------------------------------------------------------------------------------


@dataclass
class _Targets:
    """The companies the rows may go to: the batch's, and with a `Company Code` column those
    below it that the uploader reaches (R42)."""

    company_id: int
    by_code: dict[str, int]
    tax_required: set[int]

    @property
    def ids(self) -> list[int]:
        return list(self.by_code.values())


def _target_companies(batch: ImportBatch, layout: Layout) -> _Targets:
    company = Company.objects.get(pk=batch.company_id)  # its tree position as stored now
    companies = Company.objects.filter(pk=company.pk)
    if layout.company_index is not None:
        companies = Company.objects.filter(company.subtree_q())
        if batch.created_by_id:  # the command line (no user) reaches every company
            membership = Membership.objects.filter(user_id=batch.created_by_id).first()
            companies = (
                companies.filter(reachable_companies_q(membership))
                if membership
                else companies.filter(pk=company.pk)
            )
    rows = list(companies.values_list("code", "pk", "require_tax_fields"))
    return _Targets(
        company.pk, {code: pk for code, pk, _ in rows}, {pk for _, pk, required in rows if required}
    )


@dataclass
class _Read:
    """What reading the file gave: its records in `table` (which the plan reads as imp_rec),
    their issues, the file's data rows (every non-blank row, in error or not), the rows that
    gave records, whether each customer has one record only."""

    table: str
    issues: _Issues
    rows: int
    loaded: int
    one_record_each: bool
    read_as: str  # how a CSV was read (R58)
    rows_total: int  # rows of the sheet, blank ones included


def _read_kept(cursor, kept: CheckedRows, progress) -> _Read:
    """What the batch's check read (imports.checked), instead of reading the file again."""
    table = checked.table_name(kept.batch_id)
    _drop_temp_tables()
    cursor.execute(f"CREATE TEMP VIEW imp_rec AS SELECT * FROM {table}")  # noqa: S608
    if progress:
        progress(kept.rows_total, kept.rows_total, "")
    return _Read(
        table,
        _Issues.from_json(kept.issues),
        kept.rows,
        kept.loaded,
        kept.one_record_each,
        kept.read_as,
        kept.rows_total,
    )


def _keep(batch: ImportBatch, inputs: str, header, read: _Read, issues_read) -> None:
    """Keep what the check read (its records stay in read.table) for the batch's apply."""
    CheckedRows.objects.create(
        batch=batch,
        inputs=inputs,
        header=list(header),
        read_as=read.read_as,
        rows_total=read.rows_total,
        rows=read.rows,
        loaded=read.loaded,
        one_record_each=read.one_record_each,
        issues=issues_read,
    )


def _read_file(
    cursor,
    table: str,
    sheet: Sheet,
    layout: Layout,
    targets: _Targets,
    cleaning: dict,
    progress,
    keep: bool,
) -> _Read:
    """Read and clean the sheet's rows into `table`: TEMP, or UNLOGGED and kept when `keep`."""
    issues = _Issues()
    _drop_temp_tables()
    cursor.execute(f"CREATE {'UNLOGGED' if keep else 'TEMP'} TABLE {table} ({_REC_TABLE})")
    cursor.execute(f"CREATE TEMP VIEW imp_rec AS SELECT * FROM {table}")  # noqa: S608
    cleaner = RowCleaner(
        layout,
        company_id=targets.company_id,
        companies=targets.by_code,
        tax_required=targets.tax_required,
        stored=_stored_digests(cursor, layout, targets.ids),
        **cleaning,
    )
    raw = cursor.cursor  # psycopg's own cursor, for COPY
    if progress:
        progress(0, sheet.rows_total, "")
    rows = loaded = done = 0
    pending = True
    while pending:
        pending = False
        # Binary COPY: the server reads each value as is, with no text parsing or escapes.
        with raw.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_REC_TYPES)
            for row_no, cells in sheet.rows:
                done += 1
                records, row_issues = cleaner.clean(row_no, cells)
                for issue in row_issues:
                    issues.add(issue)
                if records or row_issues:  # a data row (a blank row gives neither)
                    rows += 1
                if records:
                    loaded += 1
                    for record in records:
                        copy.write_row(record)
                if done % COPY_CHUNK == 0:
                    pending = True
                    break
        if progress:
            progress(done, sheet.rows_total, "")
    one_record_each = _index_records(cursor, table)
    # Autovacuum never sees temp tables; statistics of the join columns only (cheap).
    cursor.execute(f"ANALYZE {table} (number, company_id, zone, link_to)")
    return _Read(
        table,
        issues,
        rows,
        loaded,
        one_record_each,
        getattr(sheet, "described", ""),
        sheet.rows_total,
    )


def _index_records(cursor, records: str) -> bool:
    """Index the records by customer; whether each customer has one record only (the usual
    file), learnt from the index build itself: a unique index costs the same sort, and when
    a customer repeats it fails and the plain index is built instead."""
    try:
        with transaction.atomic():
            cursor.execute(
                f"CREATE UNIQUE INDEX ON {records} (number, company_id) NULLS NOT DISTINCT"
            )
    except IntegrityError:
        cursor.execute(f"CREATE INDEX ON {records} (number, company_id)")
        return False
    return True


def _address_validation(cursor, company_ids: list[int]) -> dict:
    """R63 for RowCleaner: the companies whose effective setting is on, and the customers
    that set their own (few: one indexed scan of the companies' customers)."""
    companies = Company.objects.filter(pk__in=company_ids).select_related("tenant")
    on = {
        c.pk
        for c in companies
        if effective_setting("address_validation", company=c, tenant=c.tenant)[0]
    }
    company, number, setting = CUSTOMERS.company, CUSTOMERS.number, CUSTOMERS.address_validation
    cursor.execute(
        f"SELECT {company}, {number}, {setting} FROM {CUSTOMERS} "  # noqa: S608
        f"WHERE {company} = ANY(%s) AND {setting} IS NOT NULL",
        [list(company_ids)],
    )
    return {
        "validate_address": on,
        "validate_overrides": {(c, n): v for c, n, v in cursor.fetchall()},
    }


def _stored_digests(cursor, layout: Layout, company_ids: list[int]) -> dict:
    """By side: {company id: {number: digest of the stored values of the side's fields}}, so
    rows that repeat what is stored skip cleaning (imports.rows). ~20 MB at 100,000
    customers."""
    sides = [BILLING, SHIPPING] if layout.kind == FULL else [BILLING]
    # {fields: {company id: {number: digest}}}: two sides with the same fields share one read
    by_fields: dict[tuple[str, ...], dict[int, dict[str, bytes]]] = {}
    stored = {}
    for side in sides:
        fields = digest_fields(layout, side)
        if fields is None:
            continue
        key = tuple(fields)
        if key not in by_fields:
            cursor.execute(stored_digest_sql(fields), [company_ids])
            digests = by_fields[key] = {}
            for company_id, number, value in cursor.fetchall():
                digests.setdefault(company_id, {})[number] = bytes(value)
        stored[side] = by_fields[key]
    return stored


# --- 2. plan ----------------------------------------------------------------------------------


def _agg(f: str) -> str:
    return f"max({f}) AS {f}"


PLAN_CHUNK = 100_000  # file rows per grouping statement, so the progress moves (P6)


def _number_ranges(cursor: CursorWrapper, records: str) -> list[tuple[str | None, str | None]]:
    """[low, high) ranges of customer numbers, each holding about PLAN_CHUNK of the records,
    from the statistics its ANALYZE gathered (the histogram's bounds split its rows evenly);
    one open range for a file of up to PLAN_CHUNK rows."""
    cursor.execute(
        """SELECT c.reltuples, s.histogram_bounds::text::text[] FROM pg_class c
           LEFT JOIN pg_stats s ON s.schemaname = c.relnamespace::regnamespace::text
                AND s.tablename = c.relname AND s.attname = 'number'
           WHERE c.oid = %s::regclass""",
        [records],
    )
    rows, bounds = cursor.fetchone()
    chunks = min(int(rows // PLAN_CHUNK), len(bounds or []) - 1)
    if chunks < 2:
        return [(None, None)]
    cuts = sorted({bounds[len(bounds) * i // chunks] for i in range(1, chunks)})
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def _plan_steps(batch: ImportBatch) -> int:
    """The steps _plan reports, and the count after it."""
    return 12 + 2 * batch.replace + batch.mirror


def _plan(
    cursor,
    layout: Layout,
    batch: ImportBatch,
    issues: _Issues,
    company_ids: list[int],
    steps: _Steps,
    read: _Read,
) -> None:
    # A customer is a (company, number): one company, or with a `Company Code` column the
    # company each row names (R42). A new customer's id is drawn from the table's sequence
    # here (a preview leaves a gap in it, as a rolled-back insert would), so that the zone,
    # link and change rows can refer to it before it is written.
    linked = "side = 'billing'" if layout.kind == FULL else "false"
    if read.one_record_each:  # each record is its customer: nothing to group
        customers = f"""
            SELECT company_id, number, {", ".join(DETAIL_FIELDS)}, side = 'billing' AS billing,
                   error AS bad, zoned, {linked} AS linked, 1::int8 AS records
            FROM imp_rec WHERE NUMBERS"""  # noqa: S608
    else:
        customers = f"""
            SELECT company_id, number, {", ".join(_agg(f) for f in DETAIL_FIELDS)},
                   bool_or(side = 'billing') AS billing, bool_or(error) AS bad,
                   bool_or(zoned) AS zoned, bool_or({linked}) AS linked, count(*) AS records
            FROM imp_rec WHERE NUMBERS GROUP BY company_id, number"""  # noqa: S608
    grouped = f"""
        SELECT g.*, coalesce(c.{CUSTOMERS.id}, nextval(pg_get_serial_sequence(
                   '{CUSTOMERS}', '{CUSTOMERS.id}'))) AS customer_id,
               c.{CUSTOMERS.id} IS NULL AS created, g.state <> c.{COLUMN["state"]} AS moved
        FROM ({customers}) AS g
        LEFT JOIN {CUSTOMERS} c
             ON c.{CUSTOMERS.company} = g.company_id AND c.{CUSTOMERS.number} = g.number"""  # noqa: S608
    label = "checking: grouping the rows by customer"
    steps.step(label)
    ranges = _number_ranges(cursor, read.table)
    for done, (low, high) in enumerate(ranges):
        # A customer's rows share its number: each range groups whole customers.
        numbers = " AND ".join(
            ["true"]
            + (["number >= %(low)s"] if low is not None else [])
            + (["number < %(high)s"] if high is not None else [])
        )
        head = "CREATE TEMP TABLE imp_cust AS" if done == 0 else "INSERT INTO imp_cust"
        cursor.execute(
            f"{head} {grouped.replace('WHERE NUMBERS', f'WHERE {numbers}')}",
            {"low": low, "high": high},
        )
        if len(ranges) > 1:
            steps.part(label, done + 1, len(ranges))
    steps.step("checking: indexing the customers of the file")
    cursor.execute("CREATE UNIQUE INDEX ON imp_cust (number, company_id)")
    cursor.execute("CREATE INDEX ON imp_cust (customer_id)")
    cursor.execute("ANALYZE imp_cust (number, company_id, customer_id, created)")
    for check, label in (
        (_disagreements, "rows of one customer that disagree"),
        (_new_without_name, "new customers without a name"),
        (_locked_address, "addresses locked by documents"),
    ):
        steps.step(f"checking: {label}")
        _flag(cursor, issues, check(batch))
    steps.step("checking: rows skipped with their customer")
    _flag_skipped(cursor, issues)
    cursor.execute(f"DELETE FROM {CHANGES} WHERE {CHANGES.batch} = %s", [batch.pk])  # noqa: S608
    present = _present_fields(layout)
    listed = [
        (_changes_sql(present), "changed fields"),
        (new_sql := _new_sql(), "new customers"),
        (_zone_add_sql(), "ship-to zones to add"),
        (_link_add_sql(), "ship-to links to add"),
    ]
    if batch.replace:
        listed += [
            (_zone_remove_sql(), "ship-to zones to remove"),
            (_link_remove_sql(), "ship-to links to remove"),
        ]
    listed.append((_REACTIVATE_SQL, "inactive customers the file lists"))
    if batch.mirror:
        listed.append((_DEACTIVATE_SQL, "customers missing from the file"))
    params = {"batch": batch.pk, "companies": company_ids}
    for sql, label in listed:
        steps.step(f"listing {label}")
        if sql is new_sql:
            _by_new_ids(cursor, sql, params, steps, f"listing {label}", PLAN_CHUNK)
        else:
            cursor.execute(sql, params)


def _present_fields(layout: Layout) -> list[str]:
    fields = {f for side in (BILLING, SHIPPING) for _, f in layout.side(side)}
    if "state" in fields:
        fields.add("country")  # a US or Canadian state sets the country (R10)
    return [f for f in DETAIL_FIELDS if f in fields]


_SAME = "r.number = {a}.number AND r.company_id = {a}.company_id"  # a record of customer {a}


def _rows_of(alias: str = "m") -> str:
    same = _SAME.format(a=alias)
    return f"""(SELECT array_agg(row_no ORDER BY row_no) FROM imp_rec r WHERE {same}),
               (SELECT array_agg(side ORDER BY row_no) FROM imp_rec r WHERE {same})"""  # noqa: S608


def _fields_array(condition: str, fields: list[str] = DETAIL_FIELDS) -> str:
    """ARRAY of the field names for which `condition` holds ({f} in it stands for the field's
    column in imp_rec and imp_cust, {c} for its column in the customer table)."""
    cases = ", ".join(
        f"CASE WHEN {condition.format(f=f, c=COLUMN[f])} THEN '{f}' END" for f in fields
    )
    return f"array_remove(ARRAY[{cases}], NULL)"


class _Check(NamedTuple):
    """A check of the plan (R18, R33, R35): `sql` selects (customer id, number, row numbers,
    their sides, the fields at fault) of the customers in error; `message(number, rows,
    fields)` says why, on each of their rows."""

    sql: str
    message: Callable[[str, list[int], list[str]], str]


def _disagreements(batch: ImportBatch) -> _Check:
    """R35: one customer's rows must agree on every detail; a blank against a value counts."""
    differs = " OR ".join(f"count(DISTINCT r.{f}) > 1" for f in DETAIL_FIELDS)
    sql = f"""SELECT m.customer_id, m.number, array_agg(r.row_no ORDER BY r.row_no),
                     array_agg(r.side ORDER BY r.row_no),
                     {_fields_array("count(DISTINCT r.{f}) > 1")}
              FROM imp_rec r JOIN imp_cust m ON {_SAME.format(a="m")}
              WHERE m.records > 1 GROUP BY m.customer_id, m.number HAVING {differs}"""  # noqa: S608

    def message(number, rows, fields):
        listed = ", ".join(str(r) for r in rows)
        return (
            f"Customer {number} appears in rows {listed} with different values; "
            "it is not written until they agree."
        )

    return _Check(sql, message)


def _new_without_name(batch: ImportBatch) -> _Check:
    """R33: a new customer needs a name (and the tax fields when the company requires them)."""
    # The other tax fields only in a company that requires them (the row's company, R42).
    required = f"co.{COMPANIES.require_tax_fields}"
    missing = f"('{{f}}' = 'name1' OR {required}) AND coalesce(m.{{f}}, '') = ''"
    any_missing = " OR ".join(missing.format(f=f) for f in TAX_FIELDS)
    sql = f"""SELECT m.customer_id, m.number, {_rows_of()}, {_fields_array(missing, TAX_FIELDS)}
              FROM imp_cust m JOIN {COMPANIES} co ON co.{COMPANIES.id} = m.company_id
              WHERE m.created AND NOT m.bad AND ({any_missing})"""  # noqa: S608

    def message(number, rows, fields):
        return f"Customer {number} is new and needs a value here."

    return _Check(sql, message)


def _locked_address(batch: ImportBatch) -> _Check:
    """R18: tax components of a main address that documents refer to cannot change."""
    components = ["country", "state", "city", "zip"]
    differs = "m.{f} <> c.{c}"
    changed = " OR ".join(differs.format(f=f, c=COLUMN[f]) for f in components)
    documents = Table(Document)
    sql = f"""SELECT m.customer_id, m.number, {_rows_of()}, {_fields_array(differs, components)}
              FROM imp_cust m JOIN {CUSTOMERS} c ON c.{CUSTOMERS.id} = m.customer_id
              WHERE NOT m.bad AND ({changed}) AND EXISTS (SELECT 1 FROM {documents} d
                    WHERE d.{documents.customer} = c.{CUSTOMERS.id}
                      AND d.{documents.uses_main_address})"""  # noqa: S608

    def message(number, rows, fields):
        return (
            f"The main address of customer {number} is used by its exemption documents, so "
            "its country, state, city and ZIP are locked. Add a new address to the customer "
            "and make the old one inactive instead."
        )

    return _Check(sql, message)


def _flag(cursor, issues: _Issues, check: _Check) -> None:
    cursor.execute(check.sql, [])
    bad = []
    for customer_id, number, rows, sides, fields in cursor.fetchall():
        bad.append(customer_id)
        text = check.message(number, rows, fields)
        for row, side in dict(zip(rows, sides, strict=True)).items():
            columns = ", ".join(title_for(side, f) for f in fields) or title_for(side, "number")
            issues.add(Issue(row, columns, text))
    if bad:
        cursor.execute("UPDATE imp_cust SET bad = true WHERE customer_id = ANY(%s)", [bad])


def _flag_skipped(cursor, issues: _Issues) -> None:
    """Rows of a customer that another row puts in error are skipped too; say so."""
    cursor.execute(f"""SELECT r.row_no, r.side, r.number FROM imp_rec r
                       JOIN imp_cust m ON {_SAME.format(a="m")}
                       WHERE m.bad AND NOT r.error""")  # noqa: S608
    for row, side, number in cursor.fetchall():
        if row not in issues.error_rows:
            issues.add(
                Issue(
                    row,
                    title_for(side, "number"),
                    f"Customer {number} is skipped: another of its rows has errors.",
                )
            )


_INSERT_CHANGE = CHANGES.insert(["batch", "company", "number", "field", "old", "new", "kind"])


def _changes_sql(present: list[str]) -> str:
    if not present:
        return "SELECT 1"
    values = ", ".join(f"('{f}', c.{COLUMN[f]}, m.{f})" for f in present)
    return f"""{_INSERT_CHANGE}
        SELECT %(batch)s, m.company_id, m.number, v.field, v.old, v.new,
               CASE WHEN v.new = '' THEN 'erase' ELSE 'change' END
        FROM imp_cust m JOIN {CUSTOMERS} c ON c.{CUSTOMERS.id} = m.customer_id
        CROSS JOIN LATERAL (VALUES {values}) AS v(field, old, new)
        WHERE NOT m.bad AND {_changed(present)} AND v.new <> v.old"""  # noqa: S608


def _changed(present: list[str]) -> str:
    """The customer row differs from the file in a field present in the file."""
    new = ", ".join(f"coalesce(m.{f}, c.{COLUMN[f]})" for f in present)
    old = ", ".join(f"c.{COLUMN[f]}" for f in present)
    return f"ROW({new}) IS DISTINCT FROM ROW({old})"


def _new_sql() -> str:
    return f"""{_INSERT_CHANGE}
               SELECT %(batch)s, m.company_id, m.number, '', '', coalesce(m.name1, ''), 'new'
               FROM imp_cust m WHERE m.created AND NOT m.bad
                    AND m.customer_id >= %(low)s AND m.customer_id < %(high)s"""  # noqa: S608


def _by_new_ids(
    cursor: CursorWrapper, sql: str, params: dict, steps: _Steps, label: str, chunk: int
) -> int:
    """Run `sql` (bounded by %(low)s and %(high)s) over the ids the plan drew for new customers,
    `chunk` ids at a time, reporting each chunk; returns the rows it wrote."""
    cursor.execute("SELECT min(customer_id), max(customer_id) FROM imp_cust WHERE created")
    first, last = cursor.fetchone()
    if first is None:
        return 0
    total = last + 1 - first
    written = 0
    for low in range(first, last + 1, chunk):
        cursor.execute(sql, {**params, "low": low, "high": low + chunk})
        written += max(cursor.rowcount, 0)
        if total > chunk:
            steps.part(label, min(low + chunk - first, total), total)
    return written


# The zones a file adds: the basic template's `Shipping Customer State`, and in the full
# template a shipping customer's state when the file creates it or changes its state (R36), so
# that an unchanged export adds none (R42).
_FILE_ZONES = f"""(SELECT DISTINCT m.company_id, m.number, m.customer_id, m.created, r.zone
                  FROM imp_rec r JOIN imp_cust m ON {_SAME.format(a="m")}
                  WHERE r.zone IS NOT NULL AND NOT m.bad
                        AND (r.side = 'billing' OR m.created OR m.moved)) AS z"""  # noqa: S608
_FILE_LINKS = f"""(SELECT DISTINCT b.company_id, b.number AS billing_number,
                         b.customer_id AS billing_id, s.number AS shipping_number,
                         s.customer_id AS shipping_id
                  FROM imp_rec r JOIN imp_cust b ON {_SAME.format(a="b")}
                  JOIN imp_cust s ON s.number = r.link_to AND s.company_id = r.company_id
                  WHERE r.link_to IS NOT NULL AND NOT b.bad AND NOT s.bad) AS l"""  # noqa: S608


def _zone_add_sql() -> str:
    return f"""{_INSERT_CHANGE}
        SELECT %(batch)s, z.company_id, z.number, 'zone', '', z.zone, 'zone_add'
        FROM {_FILE_ZONES} WHERE z.created OR NOT EXISTS (
              SELECT 1 FROM {ZONES} s
              WHERE s.{ZONES.customer} = z.customer_id AND s.{ZONES.region} = z.zone)"""  # noqa: S608


def _link_add_sql() -> str:
    return f"""{_INSERT_CHANGE}
        SELECT %(batch)s, l.company_id, l.billing_number, 'link', '', l.shipping_number,
               'link_add'
        FROM {_FILE_LINKS} WHERE NOT EXISTS (SELECT 1 FROM {LINKS} k
              WHERE k.{LINKS.billing} = l.billing_id
                AND k.{LINKS.shipping} = l.shipping_id)"""  # noqa: S608


_ZONES_NOT_IN_FILE = f"""{ZONES} s JOIN imp_cust m ON m.customer_id = s.{ZONES.customer}
    WHERE m.zoned AND NOT m.bad AND NOT EXISTS (
        SELECT 1 FROM imp_rec r WHERE {_SAME.format(a="m")}
                                  AND r.zone = s.{ZONES.region})"""  # noqa: S608
_LINKS_NOT_IN_FILE = f"""{LINKS} k JOIN imp_cust m ON m.customer_id = k.{LINKS.billing}
    JOIN {CUSTOMERS} sc ON sc.{CUSTOMERS.id} = k.{LINKS.shipping}
    WHERE m.linked AND NOT m.bad AND NOT EXISTS (
        SELECT 1 FROM imp_rec r WHERE {_SAME.format(a="m")}
                                  AND r.link_to = sc.{CUSTOMERS.number})"""  # noqa: S608


def _zone_remove_sql() -> str:
    return f"""{_INSERT_CHANGE}
               SELECT %(batch)s, m.company_id, m.number, 'zone', s.{ZONES.region}, '',
                      'zone_remove'
               FROM {_ZONES_NOT_IN_FILE}"""  # noqa: S608


def _link_remove_sql() -> str:
    return f"""{_INSERT_CHANGE}
               SELECT %(batch)s, m.company_id, m.number, 'link', sc.{CUSTOMERS.number}, '',
                      'link_remove'
               FROM {_LINKS_NOT_IN_FILE}"""  # noqa: S608


# R59: an inactive customer that a file lists is active again; with a mirror file, an active
# customer of the companies the file covers (the picked one; with a `Company Code` column those
# its rows may go to) that the file does not list, not even in a row with errors, becomes
# inactive. The change rows carry the customer's id: applying and undo write from them.
_INSERT_STATUS_CHANGE = CHANGES.insert(
    ["batch", "company", "number", "customer_id", "field", "old", "new", "kind"]
)
_ACTIVE = CUSTOMERS.is_active
_REACTIVATE_SQL = f"""{_INSERT_STATUS_CHANGE}
    SELECT %(batch)s, m.company_id, m.number, c.{CUSTOMERS.id}, 'is_active', 'inactive',
           'active', 'reactivate'
    FROM imp_cust m JOIN {CUSTOMERS} c ON c.{CUSTOMERS.id} = m.customer_id
    WHERE NOT m.bad AND NOT m.created AND NOT c.{_ACTIVE}"""  # noqa: S608
_DEACTIVATE_SQL = f"""{_INSERT_STATUS_CHANGE}
    SELECT %(batch)s, c.{CUSTOMERS.company}, c.{CUSTOMERS.number}, c.{CUSTOMERS.id},
           'is_active', c.{COLUMN["name1"]}, '', 'deactivate'
    FROM {CUSTOMERS} c
    WHERE c.{CUSTOMERS.company} = ANY(%(companies)s) AND c.{_ACTIVE}
      AND NOT EXISTS (SELECT 1 FROM imp_cust m WHERE m.number = c.{CUSTOMERS.number}
                                                 AND m.company_id = c.{CUSTOMERS.company})"""  # noqa: S608


# --- 3. write ---------------------------------------------------------------------------------


def _write_steps(counts: ImportCounts) -> int:
    """The steps _write reports for these counts, and the statistics after it."""
    return 1 + sum(
        bool(n)
        for n in (
            counts["fields_changed"] or counts["reactivated"],
            counts["deactivated"],
            counts["new"],
            counts["zones_removed"],
            counts["links_removed"],
            counts["zones_added"],
            counts["links_added"],
        )
    )


def _write(cursor, company, counts: ImportCounts, steps: _Steps, *, context: dict) -> None:
    """The writes the plan counted; a statement with nothing to do is not run at all."""
    params = {"tenant": company.tenant_id, **context}
    if counts["fields_changed"] or counts["reactivated"]:
        steps.step("writing the changed customers")
        _update_customers(cursor, params)
    if counts["deactivated"]:
        steps.step("making the customers missing from the file inactive")
        set_active(cursor, params, kind="deactivate", active=False)
    if counts["new"]:
        steps.step("writing the new customers")
        _insert_customers(cursor, params, steps, counts["new"])
    for table, label, alias, sql, count, what in (
        (
            ZONES,
            "customers.ShipToZone",
            "s",
            _ZONES_NOT_IN_FILE,
            counts["zones_removed"],
            "removing ship-to zones",
        ),
        (
            LINKS,
            "customers.ShipToLink",
            "k",
            _LINKS_NOT_IN_FILE,
            counts["links_removed"],
            "removing ship-to links",
        ),
    ):
        if count:
            steps.step(what)
            cursor.execute(
                f"""
                WITH gone AS (DELETE FROM {table} WHERE {table.id} IN (
                                  SELECT {alias}.{table.id} FROM {sql}) RETURNING *)
                {event_insert(label, "delete", "gone")}""",  # noqa: S608
                params,
            )
    if counts["zones_added"]:
        steps.step("writing the ship-to zones")
        # A customer created by this import has no zones yet: no conflict to look for.
        for created, on_conflict in (
            (True, ""),
            (False, f"ON CONFLICT ({ZONES.customer}, {ZONES.region}) DO NOTHING"),
        ):
            cursor.execute(
                f"""
                WITH added AS (
                    {ZONES.insert(["tenant", "public_id", "customer", "region"])}
                    SELECT %(tenant)s, gen_random_uuid(), z.customer_id, z.zone
                    FROM {_FILE_ZONES} WHERE {"" if created else "NOT "}z.created
                    {on_conflict} RETURNING *)
                {event_insert("customers.ShipToZone", "insert", "added")}""",  # noqa: S608
                params,
            )
            check_constraints_now(cursor)
    if counts["links_added"]:
        steps.step("writing the ship-to links")
        cursor.execute(
            f"""
            WITH added AS (
                {LINKS.insert(["tenant", "public_id", "billing", "shipping", "created_at"])}
                SELECT %(tenant)s, gen_random_uuid(), l.billing_id, l.shipping_id, now()
                FROM {_FILE_LINKS} ON CONFLICT ({LINKS.billing}, {LINKS.shipping}) DO NOTHING
                RETURNING *)
            {event_insert("customers.ShipToLink", "insert", "added")}""",  # noqa: S608
            params,
        )


def _update_customers(cursor, params) -> None:
    """The file's values, and active again for an inactive customer it lists (R59)."""
    sets = ", ".join(f"{COLUMN[f]} = coalesce(m.{f}, c.{COLUMN[f]})" for f in DETAIL_FIELDS)
    cursor.execute(
        f"""
        WITH changed AS (
            UPDATE {CUSTOMERS} c
            SET {sets}, {_ACTIVE} = true, {CUSTOMERS.updated_at} = now()
            FROM imp_cust m WHERE c.{CUSTOMERS.id} = m.customer_id AND NOT m.bad
            AND ({_changed(DETAIL_FIELDS)} OR NOT c.{_ACTIVE}) RETURNING c.*)
        {event_insert("customers.Customer", "update", "changed")}""",  # noqa: S608
        params,
    )


def set_active(cursor, params, *, kind: str, active: bool) -> None:
    """Set is_active of the customers of the batch's change rows of `kind` that do not hold it
    yet, with their history rows (the engine's deactivation, undo's restores; R59).
    params: batch, pgh_context."""
    cursor.execute(
        f"""
        WITH changed AS (
            UPDATE {CUSTOMERS} c
            SET {_ACTIVE} = %(active)s, {CUSTOMERS.updated_at} = now()
            FROM {CHANGES} ch
            WHERE ch.{CHANGES.batch} = %(batch)s AND ch.{CHANGES.kind} = %(kind)s
              AND c.{CUSTOMERS.id} = ch.{CHANGES.customer_id} AND c.{_ACTIVE} <> %(active)s
            RETURNING c.*)
        {event_insert("customers.Customer", "update", "changed")}""",  # noqa: S608
        {**params, "kind": kind, "active": active},
    )


def _insert_customers(cursor: CursorWrapper, params: dict, steps: _Steps, new: int) -> None:
    """The new customers, WRITE_CHUNK at a time in the order of their ids (so the progress
    moves during a million-row write; each chunk finds its rows by imp_cust's id index)."""
    insert = CUSTOMERS.insert(
        ["id", "tenant", "public_id", "company", "number", *DETAIL_FIELDS]
        + ["kind", "exemption_reason", "created_at", "updated_at"]
    )
    values = ", ".join(f"coalesce(m.{f}, '')" for f in DETAIL_FIELDS)
    # The ids were drawn from the table's sequence by the plan (imp_cust.customer_id), so the
    # zones and links need no second pass to learn them.
    cursor.execute("SELECT min(customer_id), max(customer_id) FROM imp_cust WHERE created")
    first, last = cursor.fetchone()
    written = 0
    for low in range(first, last + 1, WRITE_CHUNK):
        cursor.execute(
            f"""
            WITH created AS (
                {insert}
                SELECT m.customer_id, %(tenant)s, gen_random_uuid(), m.company_id, m.number,
                       {values}, CASE WHEN m.billing THEN 'bill-to' ELSE 'ship-to' END, '',
                       now(), now()
                FROM imp_cust m WHERE m.created AND NOT m.bad
                     AND m.customer_id >= %(low)s AND m.customer_id < %(high)s
                RETURNING *)
            {event_insert("customers.Customer", "insert", "created")}""",  # noqa: S608
            {**params, "low": low, "high": low + WRITE_CHUNK},
        )
        written = min(written + max(cursor.rowcount, 0), new)
        check_constraints_now(cursor)
        steps.part("writing the new customers", written, new)


def check_constraints_now(cursor: CursorWrapper) -> None:
    """Run the foreign key checks the statements so far queued for the commit (every deferrable
    constraint here is initially deferred), then defer again: a million-row write checks its
    keys chunk by chunk, while the progress moves, instead of in one silent commit (P6)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- 4. statistics ----------------------------------------------------------------------------

# autovacuum's defaults (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor)
ANALYZE_THRESHOLD = 50
ANALYZE_SCALE_FACTOR = 0.1


def _written(counts: ImportCounts) -> dict[str, int]:
    """Rows an applied import wrote, by table (the history tables get as many rows)."""
    customers = counts["new"] + counts["updated"] + counts["deactivated"] + counts["reactivated"]
    zones = counts["zones_added"] + counts["zones_removed"]
    links = counts["links_added"] + counts["links_removed"]
    return {
        str(CUSTOMERS): customers,
        _event_table("Customer"): customers,
        str(ZONES): zones,
        _event_table("ShipToZone"): zones,
        str(LINKS): links,
        _event_table("ShipToLink"): links,
    }


# The columns the app's queries filter, join and sort these tables on: ANALYZE of these alone
# takes a third of a whole-row ANALYZE of the customers and an eighth of their history's
# (measured at 40,000 customers); the row count comes from the sample either way.
_ANALYZED_COLUMNS = {
    str(table): ", ".join(getattr(table, f) for f in fields)
    for table, fields in (
        (
            CUSTOMERS,
            ["id", "public_id", "tenant", "company", "number", "name1", "state", "kind"]
            + ["tax_ready", "is_active", "search_text"],
        ),
        (ZONES, ["customer", "region", "tenant"]),
        (LINKS, ["billing", "shipping", "tenant"]),
    )
}
_EVENT_COLUMNS = "pgh_obj_id, pgh_context_id"


def _event_table(model: str) -> str:
    from django.apps import apps

    return apps.get_model("customers", f"{model}Event")._meta.db_table


def _mostly_new(counts: ImportCounts) -> bool:
    """Most customer rows the import wrote are new ones (see vacuum_customers)."""
    return counts["new"] >= counts["updated"] + counts["deactivated"] + counts["reactivated"]


def refresh_statistics(cursor, written: dict[str, int]) -> list[str]:
    """ANALYZE each table whose rows changed since its last ANALYZE (`written` rows by table,
    plus what the statistics collector counted before) exceed autovacuum's threshold (50 rows +
    10% of its estimated rows), so the planner knows the new rows at once: autovacuum may be
    off (as on CI machines) or late, and a million-row import left the customer list and search
    on plans for an empty table (P4). Returns the tables analyzed. Run after the commit (a
    sample of ~30,000 rows per table, of the columns queries use: ~0.1-0.2 s a table).

    An import that wrote mostly new customers also asks for vacuum_customers (Result.vacuum)."""
    tables = [table for table, rows in written.items() if rows]
    if not tables:
        return []
    cursor.execute(
        """
        SELECT c.relname, greatest(c.reltuples, 0), coalesce(s.n_mod_since_analyze, 0)
        FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.oid = ANY(%s::regclass[])""",
        [tables],
    )
    analyzed = []
    for table, estimated, modified in cursor.fetchall():
        if written[table] + modified > ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * estimated:
            columns = _ANALYZED_COLUMNS.get(table, _EVENT_COLUMNS)
            cursor.execute(f'ANALYZE "{table}" ({columns})')
            analyzed.append(table)
    return sorted(analyzed)


def vacuum_customers(result: Result) -> None:
    """VACUUM the customer table after an import that asked for it (Result.vacuum), outside a
    transaction only, as VACUUM requires; run once the batch is saved (a million new customers
    take it seconds, one statement, which no progress bar should wait on).

    It sets the visibility map of the pages the import wrote, without which the list's capped
    counts read the table instead of an index (P4: "not tax-ready + state" took 258 ms right
    after a million-row import, 63 ms after the 2.2 s VACUUM). Asked for only when most rows
    the import wrote are new (their pages only need marking), not when it mostly updated
    customers, whose old row versions VACUUM would remove from each of the table's eleven
    indexes by reading them whole, a cost that grows with the table rather than the import
    (0.74 s of a 4.1 s 10,000-row update on a 300,000-customer table): autovacuum does that in
    the background, as it does after any other write."""
    if result.vacuum and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM "{CUSTOMERS}"')


def _counts(cursor, batch: ImportBatch, rows: int, issues: _Issues) -> ImportCounts:
    tax = " OR ".join(f"coalesce(m.{f}, c.{COLUMN[f]}, '') = ''" for f in TAX_FIELDS)
    cursor.execute(f"""
        SELECT count(*) FILTER (WHERE NOT m.bad AND NOT m.created),
               count(*) FILTER (WHERE NOT m.bad AND ({tax}))
        FROM imp_cust m LEFT JOIN {CUSTOMERS} c ON c.{CUSTOMERS.id} = m.customer_id""")  # noqa: S608
    existing, not_tax_ready = cursor.fetchone()
    kind, batch_id = CHANGES.kind, CHANGES.batch
    customer = f"{CHANGES.company}, {CHANGES.number}"
    cursor.execute(
        f"""
        SELECT count(*) FILTER (WHERE {kind} = 'new'),
               count(DISTINCT ({customer})) FILTER (
                   WHERE {kind} NOT IN ('new', 'deactivate') AND
                   ({customer}) NOT IN (SELECT {customer}
                   FROM {CHANGES} WHERE {batch_id} = %(batch)s AND {kind} = 'new')),
               count(*) FILTER (WHERE {kind} = 'erase'),
               count(*) FILTER (WHERE {kind} IN ('change', 'erase')),
               count(*) FILTER (WHERE {kind} = 'zone_add'),
               count(*) FILTER (WHERE {kind} = 'zone_remove'),
               count(*) FILTER (WHERE {kind} = 'link_add'),
               count(*) FILTER (WHERE {kind} = 'link_remove'),
               count(*) FILTER (WHERE {kind} = 'deactivate'),
               count(*) FILTER (WHERE {kind} = 'reactivate')
        FROM {CHANGES} WHERE {batch_id} = %(batch)s""",  # noqa: S608
        {"batch": batch.pk},
    )
    (
        new,
        updated,
        erased,
        fields_changed,
        zones_added,
        zones_removed,
        links_added,
        links_removed,
        deactivated,
        reactivated,
    ) = cursor.fetchone()
    return {
        "rows": rows,
        "error_rows": len(issues.error_rows),
        "new": new,
        "updated": updated,
        "unchanged": existing - updated,
        "erased": erased,
        "fields_changed": fields_changed,
        "errors": issues.errors,
        "warnings": issues.warnings,
        "not_tax_ready": not_tax_ready,
        "zones_added": zones_added,
        "zones_removed": zones_removed,
        "links_added": links_added,
        "links_removed": links_removed,
        "deactivated": deactivated,
        "reactivated": reactivated,
    }


def issues_as_json(issues: list[Issue]) -> list[dict]:
    return [issue._asdict() for issue in issues]
