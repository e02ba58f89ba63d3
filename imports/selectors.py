"""Reads of import batches: only those of companies the membership reaches (R2, R3)."""

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Company, Membership
from companies.tenancy import reachable_companies_q
from imports.models import ImportBatch


def visible_batches(membership: Membership) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(
        reachable_companies_q(membership, "company__")
    ).select_related("company", "created_by")


def get_batch(membership: Membership, public_id: UUID | str) -> ImportBatch:
    return get_object_or_404(visible_batches(membership), public_id=public_id)


def new_customer_fields(batch: ImportBatch, keys: list[tuple]) -> dict[tuple, list[tuple]]:
    """{(company id, customer number): [(field label, value), ...]} for new customers of a
    batch (the preview shows every field they get, not only their name). Applied: the
    customers as written; before that: their billing rows in the stored file, cleaned as the
    engine cleans them (the file is read again; only `keys`, a page of them, are kept). Blank
    values and unknown customers are left out."""
    from customers.models import Customer
    from imports.columns import BILLING, FIELD_NAMES
    from imports.csv_reader import open_table
    from imports.engine import layout_of
    from imports.reader import WorkbookRefused
    from imports.rows import RowCleaner
    from imports.services import stored_file_path

    wanted = set(keys)
    if not wanted:
        return {}
    values: dict[tuple, dict] = {}
    if batch.status in ("applied", "undone"):
        for customer in Customer.objects.filter(
            company_id__in={c for c, _ in wanted}, number__in={n for _, n in wanted}
        ):
            values[customer.company_id, customer.number] = {
                f: getattr(customer, f) for f in FIELD_NAMES
            }
    elif batch.file:
        codes = dict(Company.objects.filter(batch.company.subtree_q()).values_list("code", "pk"))
        with stored_file_path(batch.file.name) as path:
            try:  # read as the engine read it: .xlsx or .csv, titles or a mapping
                sheet = open_table(path, name=batch.original_name)
                layout = layout_of(sheet.header, batch)
            except WorkbookRefused:
                return {}
            cleaner = RowCleaner(layout, company_id=batch.company_id, companies=codes)
            for row_no, cells in sheet.rows:
                for record in cleaner.clean(row_no, cells)[0]:
                    key = (record.company_id, record.number)
                    if record.side == BILLING and key in wanted and key not in values:
                        values[key] = {"number": record.number, **record.details()}
    return {
        key: [
            (Customer.field_name(f).capitalize(), v)
            for f, v in fields.items()
            if v and f in FIELD_NAMES
        ]
        for key, fields in values.items()
    }


def describe_changes(batch: ImportBatch, changes) -> None:
    """Give each change of a page `customer_public_id` (when its customer exists, to link to
    it) and each new customer's change `fields` (see `new_customer_fields`)."""
    from customers.models import Customer

    existing = {
        (company, number): public_id
        for company, number, public_id in Customer.objects.filter(
            company_id__in={c.company_id for c in changes}, number__in={c.number for c in changes}
        ).values_list("company_id", "number", "public_id")
    }
    fields = new_customer_fields(
        batch, [(c.company_id, c.number) for c in changes if c.kind == "new"]
    )
    for change in changes:
        change.customer_public_id = existing.get((change.company_id, change.number))
        change.fields = fields.get((change.company_id, change.number), [])
