"""Import batches (R39): one row per upload, with its progress, counts, issues and the changes it
made (ImportChange: the preview before applying, the undo record after)."""

from typing import TypedDict

from django.conf import settings
from django.db import models

from companies.choices import BadgeChoices
from companies.models import Company, TenantOwned
from companies.scoping import ScopedManager
from customers.models import Customer


class ImportCounts(TypedDict, total=False):
    """What an import found, as the engine returns it and a batch stores it (`counts`, JSON):
    every key is there once the rows are checked; a batch not yet checked has {}."""

    rows: int  # rows read
    error_rows: int  # rows with at least one error
    errors: int  # error messages (a row can have several)
    warnings: int
    new: int  # customers the import creates
    updated: int  # existing customers with any change
    unchanged: int  # existing customers it leaves as they are
    erased: int  # fields a blank cell erases (R33)
    fields_changed: int  # fields changed or erased
    not_tax_ready: int  # customers that will lack a field taxes need
    zones_added: int
    zones_removed: int
    links_added: int
    links_removed: int
    deactivated: int  # mirror imports: customers not in the file, made inactive (R59)
    reactivated: int


class Template(models.TextChoices):
    BASIC = "basic", "Basic"
    FULL = "full", "Full"


class Status(BadgeChoices):
    VALIDATING = "validating", "info", "Validating"
    READY = "ready", "ok", "Ready"
    APPLYING = "applying", "info", "Applying"
    APPLIED = "applied", "ok", "Applied"
    FAILED = "failed", "bad", "Failed"
    CANCELLED = "cancelled", "warn", "Cancelled"
    UNDONE = "undone", "warn", "Undone"


class ColumnMapping(TenantOwned):
    """A company's saved pairing of a file's own titles with the template's (R58): applied by
    itself to any file with the same titles (`titles_key`), or by name
    (`import_customers --mapping NAME`)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    titles = models.JSONField(default=list, help_text="The file's titles, in its order.")
    titles_key = models.CharField(max_length=64, help_text="See imports.mapping.titles_key.")
    # {template title: the file's title, or "" for a field the file does not fill}
    pairs = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="mapping_name_unique_in_company"
            )
        ]
        indexes = [models.Index(fields=["company", "titles_key"], name="mapping_titles")]

    def __str__(self):
        return self.name


class Retry(models.TextChoices):
    """The next step a failed batch's page offers (R60, R61)."""

    NONE = "", "None"
    VALIDATE = "validate", "Validate again"
    APPLY = "apply", "Apply again"


class ImportBatch(TenantOwned):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="import_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    template = models.CharField(max_length=5, choices=Template.choices, blank=True)
    replace = models.BooleanField(
        "replace ship-to zones and links",
        default=False,
        help_text="Replace ship-to zones and links with those in the file (R37).",
    )
    mirror = models.BooleanField(
        "whole customer list",
        default=False,
        help_text="This file is the company's whole customer list: customers missing from it "
        "become inactive (R59).",
    )
    # R58: how a CSV was read ("CSV, UTF-8, comma-separated"), the mapping its columns were
    # read through, and whether its refusal (titles not the template's) offers a mapping.
    read_as = models.CharField(max_length=100, blank=True)
    mapping = models.ForeignKey(
        ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mappable = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALIDATING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # After the rows are read, what the engine is doing (P6): rows_done/rows_total then count
    # its steps, or the customers of a step written in chunks ("" while rows are read).
    step = models.CharField(max_length=200, blank=True)
    counts: models.JSONField[ImportCounts, ImportCounts] = models.JSONField(
        default=dict, blank=True
    )
    # [{"row", "column", "message", "level"}], capped (see engine.MAX_STORED_ISSUES).
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=1000, blank=True)
    # Set when a failure was not the file's fault (a worker died, the database or the storage
    # failed): the page then offers to validate or apply again.
    retry = models.CharField(max_length=8, choices=Retry.choices, blank=True, default="")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The company's import version (applies and undos so far, `services.company_version`) when
    # the check whose preview the page shows started: applying is refused once it moved (R39).
    checked_version = models.PositiveIntegerField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    # Changes an undo could not restore because a later change touched them (R39).
    not_restored = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"
        indexes = [models.Index(fields=["company", "-created_at"], name="batch_company_created")]

    def __str__(self):
        return f"{self.original_name or 'Import'} ({self.get_status_display()})"

    @property
    def status_tone(self) -> str:
        return Status.tone_of(self.status)

    @property
    def can_map(self) -> bool:
        """Its file may be (re)mapped: refused for its titles, or checked through a mapping."""
        return bool(self.file) and (
            (self.status == Status.FAILED and self.mappable)
            or (self.status == Status.READY and self.mapping_id is not None)
        )

    @property
    def is_running(self) -> bool:
        return self.status in (Status.VALIDATING, Status.APPLYING)

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def error_count(self) -> int:
        return self.counts.get("errors", 0)

    @property
    def errors_summary(self) -> str:
        return errors_summary(self.counts)

    @property
    def valid_rows(self) -> int:
        return max(self.counts.get("rows", 0) - self.counts.get("error_rows", 0), 0)


def errors_summary(counts: ImportCounts) -> str:
    """ "7 errors in 6 rows" (messages and the rows they are in), "0 errors" when none."""
    errors, rows = counts.get("errors", 0), counts.get("error_rows", 0)
    if not errors:
        return "0 errors"
    return f"{errors:,} error{'s' if errors != 1 else ''} in {rows:,} row{'s' if rows != 1 else ''}"


class ChangeKind(models.TextChoices):
    NEW = "new", "New customer"
    CHANGE = "change", "Changed"
    ERASE = "erase", "Erased"
    ZONE_ADD = "zone_add", "Ship-to zone added"
    ZONE_REMOVE = "zone_remove", "Ship-to zone removed"
    LINK_ADD = "link_add", "Link added"
    LINK_REMOVE = "link_remove", "Link removed"
    DEACTIVATE = "deactivate", "Made inactive"  # missing from a mirror file (R59)
    REACTIVATE = "reactivate", "Active again"  # an inactive customer back in a file (R59)


class ImportChange(models.Model):
    """One change of a batch: a field's old and new value, a new customer, a zone or a link.

    Written set-based by the engine (the preview when validated, recomputed when applied, then
    the undo record). Not TenantOwned, for speed: no public id per row; it is reached only through
    its batch, and its manager is scoped through the batch's tenant.
    """

    # No index on batch alone: change_batch_number (batch, number) leads with it. No database
    # constraint either, as on pghistory's event rows: the engine writes tens of thousands of
    # changes for the batch it holds, and PostgreSQL would check each against the batch at
    # commit (~10% of a 10,000-row import). Deleting a batch still deletes its changes
    # (Django's cascade).
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="changes",
        db_index=False,
        db_constraint=False,
    )
    # The customer's company: the batch's, or with a `Company Code` column the row's (R42).
    # Like the batch, no index and no database constraint (written in bulk by the engine).
    company = models.ForeignKey(
        Company,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    number = models.CharField(max_length=50)
    customer_id = models.BigIntegerField(null=True, blank=True)  # no FK: undo may delete it
    field = models.CharField(max_length=30, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)

    objects = ScopedManager(tenant="batch__tenant")

    class Meta:
        ordering = ["number", "kind", "field"]
        indexes = [models.Index(fields=["batch", "number"], name="change_batch_number")]

    def __str__(self):
        return f"{self.number} {self.field}: {self.old} -> {self.new}"

    @property
    def field_label(self) -> str:
        special = {"zone": "Ship-to zone", "link": "Shipping customer", "": ""}
        if self.field in special:
            return special[self.field]
        return Customer.field_name(self.field).capitalize()


class CheckedRows(models.Model):
    """What the check of a web batch read from its file (P6): the cleaned records, in an
    UNLOGGED table of their own (imports.checked.table_name), and the rest of what reading gave,
    so that applying the batch need not read and clean the file a second time. The apply uses
    them only while what cleaning depended on is unchanged (`inputs`) and the table still holds
    its rows (a crash of the database empties unlogged tables); else it reads the file, as the
    command line does. Removed with its table once the batch is applied or cancelled."""

    # Reached only through its batch, as ImportChange (no database constraint: the engine
    # writes it).
    batch = models.OneToOneField(
        ImportBatch,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    inputs = models.CharField(max_length=64)  # sha256 hex of what cleaning depended on
    header = models.JSONField()  # the file's titles, as read
    read_as = models.CharField(max_length=100, blank=True)
    rows_total = models.PositiveIntegerField()  # rows of the sheet, blank ones included
    rows = models.PositiveIntegerField()  # data rows
    loaded = models.PositiveIntegerField()  # rows that gave records
    one_record_each = models.BooleanField()
    # The reading's issues: {"kept": [[row, column, message, level], ...] (capped as the
    # batch's), "errors": n, "warnings": n, "error_rows": [row, ...]}
    issues = models.JSONField()

    objects = ScopedManager(tenant="batch__tenant")

    class Meta:
        verbose_name = verbose_name_plural = "checked rows"

    def __str__(self):
        return f"checked rows of batch {self.batch_id}"
