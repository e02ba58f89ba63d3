"""The one declarative list of import/export columns (R31).

It drives the downloadable templates, the header check and the cell cleaning, so a title is
written once. The titles are CertCapture's, so its files load unchanged.
"""

from dataclasses import dataclass

from companies.text import strip_invisible

BILLING = "billing"
SHIPPING = "shipping"
BASIC = "basic"
FULL = "full"
ZONE = "zone"  # the basic template's `Shipping Customer State`: a ship-to zone, not a field

# (title suffix, customer field), in template order.
FIELDS = [
    ("Number", "number"),
    ("Alternate ID", "alternate_id"),
    ("FEIN", "fein"),
    ("Name 1", "name1"),
    ("Name 2", "name2"),
    ("Attn Name", "attention_name"),
    ("Address 1", "address_line1"),
    ("Address 2", "address_line2"),
    ("City", "city"),
    ("State", "state"),
    ("Country", "country"),
    ("Zip", "zip"),
    ("Phone", "phone"),
    ("Fax", "fax"),
    ("Email", "email"),
]
FIELD_NAMES = [field for _, field in FIELDS]
_SUFFIX = {field: suffix for suffix, field in FIELDS}


@dataclass(frozen=True)
class Column:
    title: str
    field: str  # a Customer field name, or ZONE
    side: str  # BILLING or SHIPPING

    @property
    def key(self) -> str:
        """The title as matched: trimmed, case-insensitive (R31)."""
        return normalise_title(self.title)


def normalise_title(title: str) -> str:
    """Trimmed of spaces, no-break spaces and invisible format characters (R49), casefolded."""
    return strip_invisible(str(title)).casefold()


def title_for(side: str, field: str) -> str:
    """The column title of a customer field on one side (also for messages about it)."""
    return f"{'Billing' if side == BILLING else 'Shipping'} Customer {_SUFFIX[field]}"


def _side(side: str) -> list[Column]:
    return [Column(title_for(side, field), field, side) for field in FIELD_NAMES]


BILLING_COLUMNS = _side(BILLING)
SHIPPING_COLUMNS = _side(SHIPPING)
TEMPLATES: dict[str, list[Column]] = {
    BASIC: [*BILLING_COLUMNS, Column("Shipping Customer State", ZONE, SHIPPING)],
    FULL: [*BILLING_COLUMNS, *SHIPPING_COLUMNS],
}
KEY_TITLE = "Billing Customer Number"
# CertHub's own optional titles, in either template (R38, R42): the company a row belongs to
# (exports with descendants), and the messages of the "Download with errors" file (ignored).
COMPANY_CODE_TITLE = "Company Code"
ERRORS_TITLE = "CertHub Errors"
SHIPPING_KEY_TITLE = "Shipping Customer Number"
TEMPLATE_FILE_NAMES = {kind: f"certhub-customers-{kind}.xlsx" for kind in TEMPLATES}


def template_titles(kind: str) -> list[str]:
    return [column.title for column in TEMPLATES[kind]]
