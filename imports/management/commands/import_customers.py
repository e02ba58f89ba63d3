"""`import_customers FILE --tenant SLUG --company CODE [--dry-run] [--replace] [--skip-errors]
[--mirror] [--mapping NAME]` (R41, R58, R59): the web's engine for scheduled syncs. FILE is a
template .xlsx or a .csv. Exit codes: 0 applied (or valid with --dry-run), 1 rows had errors
(nothing applied unless --skip-errors), 2 the file was refused."""

import sys

from django.core.management.base import BaseCommand

from companies.commands import company_by_code, tenant_scope
from imports.management.commands._lookup import add_file_tenant_company
from imports.models import errors_summary
from imports.services import import_file

SUMMARY = [
    ("rows", "rows read"),
    ("new", "new customers"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("erased", "fields erased"),
    ("zones_added", "ship-to zones added"),
    ("zones_removed", "ship-to zones removed"),
    ("links_added", "links added"),
    ("links_removed", "links removed"),
    ("deactivated", "made inactive"),
    ("reactivated", "active again"),
    ("not_tax_ready", "not tax-ready"),
    ("errors", None),
    ("warnings", "warnings"),
]


class Command(BaseCommand):
    help = (
        "Import customers from a basic or full template .xlsx, or a .csv, into a company "
        "(R41, R58)."
    )

    def add_arguments(self, parser):
        add_file_tenant_company(parser)
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace ship-to zones and links with those in the file.",
        )
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="Apply the valid rows even when other rows have errors.",
        )
        parser.add_argument(
            "--mirror",
            action="store_true",
            help="The file is the company's whole customer list: customers "
            "missing from it become inactive (R59).",
        )
        parser.add_argument(
            "--mapping",
            default="",
            metavar="NAME",
            help="Read the file's columns through the company's saved column mapping NAME (R58).",
        )

    def handle(
        self,
        *args,
        file,
        tenant,
        company,
        dry_run,
        replace,
        skip_errors,
        mirror,
        mapping,
        **options,
    ):
        with tenant_scope(tenant) as tenant_obj, self._progress() as progress:
            company_obj = company_by_code(tenant_obj, company)
            result = import_file(
                file,
                tenant=tenant_obj,
                company=company_obj,
                replace=replace,
                mirror=mirror,
                mapping=mapping,
                dry_run=dry_run,
                skip_errors=skip_errors,
                progress=progress,
            )
        self._report(result, dry_run)
        sys.exit(result.exit_code)

    def _progress(self):
        from contextlib import nullcontext

        if not (hasattr(self.stdout, "isatty") and self.stdout.isatty()):
            return nullcontext(None)
        return _Bar()

    def _report(self, result, dry_run):
        if result.status == "refused":
            self.stderr.write(f"Refused: {result.message}")
            if result.batch is not None and result.batch.mappable:  # R58: the page has a button
                self.stderr.write(
                    'Map them once on the Import page ("Map the columns of this '
                    'file"), then pass the saved name: --mapping NAME.'
                )
            return
        if result.batch.read_as:
            self.stdout.write(f"Read as {result.batch.read_as}.")
        if result.batch.mapping_id:
            self.stdout.write(f"Columns mapped by {result.batch.mapping.name}.")
        for issue in result.issues:
            self.stdout.write(f"Row {issue.row}, {issue.column}: {issue.level}: {issue.message}")
        more = result.counts.get("errors", 0) + result.counts.get("warnings", 0)
        if more > len(result.issues):
            self.stdout.write(f"... {more - len(result.issues)} more issues not shown.")
        self.stdout.write(
            ", ".join(
                f"{result.counts.get(key, 0):,} {label}" if label else errors_summary(result.counts)
                for key, label in SUMMARY
            )
        )
        if result.status == "applied":
            self.stdout.write(self.style.SUCCESS(f"Applied as batch {result.batch.public_id}."))
        elif result.status == "valid":
            self.stdout.write(self.style.SUCCESS("Valid (dry run): nothing was written."))
        else:
            self.stdout.write(
                self.style.ERROR(
                    "Rows had errors; nothing was applied (use --skip-errors to apply the others)."
                    if not dry_run
                    else "Rows had errors (dry run)."
                )
            )


class _Bar:
    """A tqdm bar fed by the engine's progress callback (rows done of total)."""

    bar = None

    def __enter__(self):
        return self.update

    def update(self, done: int, total: int, step: str = "") -> None:
        from tqdm import tqdm

        if self.bar is None:  # made once the total is known (the workbook is open)
            self.bar = tqdm(total=total, unit=" rows", file=sys.stderr)
        if step:  # after the rows are read: the engine's steps, each named (P6)
            self.bar.unit = ""
            self.bar.set_description_str(step.rsplit(": ", 1)[0], refresh=False)
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
