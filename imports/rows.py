"""Cleaning one data row into customer records (R33-R36), before anything is written.

A row gives a billing record and, in the full template, a shipping record. Each record carries
the cleaned values of the columns present in the file (None for an absent column: R33 leaves
that field untouched; "" for a blank cell: R33 erases it). Checks that need the other rows or
the database (clones that disagree, new customers without a name, locked addresses) are made
set-based in the engine. No queries: the digests' SQL is built here, run by the engine.

Re-imports mostly repeat what is stored. A side whose cells are exactly the stored values
(compared by a digest the engine reads from the database, see `stored_digest_sql`) skips
cleaning: stored values were cleaned when written, and cleaning is idempotent, so cleaning
them again would return them unchanged and without errors.
"""

from collections.abc import Callable, Container
from hashlib import md5
from operator import itemgetter
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured

from companies.text import (
    code_point,
    forbidden_characters,
    has_forbidden,
    strip_invisible,
    without_forbidden,
)
from customers.postal import address_mismatch
from customers.regions import REGION_NAMES, region_country
from customers.validation import clean_customer_values
from imports.columns import (
    BILLING,
    COMPANY_CODE_TITLE,
    FIELD_NAMES,
    FULL,
    SHIPPING,
    ZONE,
    title_for,
)
from imports.header import Layout
from imports.reader import NumberText, ProblemRow, column_letter
from imports.schema import COLUMN, COMPANIES, CUSTOMERS

# The customer fields of a record besides its number, in template order.
DETAIL_FIELDS = [name for name in FIELD_NAMES if name != "number"]
_STATE_AT = DETAIL_FIELDS.index("state")
ERROR, WARNING = "error", "warning"


class Issue(NamedTuple):
    """A problem of one row (R38): the row number, the column title(s) and the reason."""

    row: int
    column: str
    message: str
    level: str = ERROR  # ERROR (the customer is not written) or WARNING


class Record(NamedTuple):
    """One customer of one data row, cleaned: the billing customer, or the full template's
    shipping customer. The engine COPYs records into its `imp_rec` table, whose columns are
    these fields in this order (imports.engine). A detail field is None when its column is
    absent from the file (R33: the field is left untouched) and "" for a blank cell (erased)."""

    row_no: int
    side: str  # BILLING or SHIPPING
    number: str
    # The detail fields: DETAIL_FIELDS, checked below.
    alternate_id: str | None
    fein: str | None
    name1: str | None
    name2: str | None
    attention_name: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    country: str | None
    zip: str | None
    phone: str | None
    fax: str | None
    email: str | None
    zone: str | None  # a ship-to zone the row adds to this customer (R35, R36)
    link_to: str | None  # billing: the number of the shipping customer it links to (R36)
    zoned: bool  # the file states this customer's zones ("replace", R37)
    error: bool  # the row is in error: its customer is not written
    company_id: int | None  # the picked company, or the one the row's `Company Code` names (R42)

    def details(self) -> dict[str, str | None]:
        """{field: value} of the detail fields."""
        return {f: getattr(self, f) for f in DETAIL_FIELDS}


if list(Record._fields[3 : 3 + len(DETAIL_FIELDS)]) != DETAIL_FIELDS:
    # The column list (imports.columns) and the record must name the same fields, in order.
    raise ImproperlyConfigured(f"imports.rows.Record's detail fields must be {DETAIL_FIELDS}.")


class _SidePlan(NamedTuple):
    """How RowCleaner takes one side's cells out of a row."""

    indexes: list[int]  # of the side's columns in the row
    fields: list[str]  # their fields, in the same order
    cut: Callable | None  # itemgetter of the indexes (None for a single column)
    needed: int  # rows at least this wide can be cut by `cut`
    number_at: int | None  # position of the number among the side's columns
    detail_at: list[int | None]  # for each detail field, its position (None: column absent)


def pad_zip(value: str, country: str, state: str) -> str | None:
    """R34: a US ZIP Excel stored as a number lost its leading zeros; give them back: up to 5
    digits to five, 6 to 9 digits to ZIP+4 (`787012345` -> `78701-2345`). None when the value
    is not such a number (or is a 5-digit ZIP already)."""
    if not isinstance(value, NumberText):
        return None
    digits = value.replace("-", "")  # a "Zip Code + 4" number format shows the dash already
    if not digits.isdigit() or len(digits) > 9 or digits == value and len(digits) == 5:
        return None
    country = country.strip().upper()
    if not (country == "US" or (not country and region_country(state.strip().upper()) == "US")):
        return None
    if len(digits) <= 5:
        return digits.zfill(5)
    padded = digits.zfill(9)
    return f"{padded[:5]}-{padded[5:]}"


DIGEST_SEPARATOR = "\x1f"
_NONE: dict = {}


def digest_fields(layout: Layout, side: str) -> list[str] | None:
    """The fields whose stored values a side is compared with, in column order; None when the
    side cannot skip cleaning (a state without a country column may set the country, R10)."""
    fields = [f for _, f in layout.side(side)]
    if "state" in fields and "country" not in fields:
        return None
    return fields


def stored_digest_sql(fields: list[str]) -> str:
    """(company id, number, digest) of the customers of some companies (param: their ids). In
    a company that requires the tax fields, only tax-ready customers: the others would now be
    row errors (R9)."""
    joined = ", ".join(f"c.{COLUMN[f]}" for f in fields)
    company = CUSTOMERS.company
    return (
        f"SELECT c.{company}, c.{CUSTOMERS.number}, "  # noqa: S608
        f"decode(md5(concat_ws(E'\\x1f', {joined})), 'hex') FROM {CUSTOMERS} c "
        f"JOIN {COMPANIES} co ON co.{COMPANIES.id} = c.{company} "
        f"WHERE c.{company} = ANY(%s) "
        f"AND (c.{CUSTOMERS.tax_ready} OR NOT co.{COMPANIES.require_tax_fields})"
    )


class RowCleaner:
    def __init__(
        self,
        layout: Layout,
        *,
        company_id: int | None = None,
        companies: dict[str, int] | None = None,
        tax_required: Container[int] = (),
        stored: dict | None = None,
        validate_address: Container[int] = (),
        validate_overrides: dict[tuple[int | None, str], bool] | None = None,
    ):
        """`company_id`: the picked company, which takes the rows without a company code;
        `companies`: {code: id} of the companies a `Company Code` cell may name (R42);
        `tax_required`: ids of the companies that require the tax fields (R9);
        `stored`: by side, {company id: {customer number: digest of its stored values}};
        `validate_address`: ids of the companies with address validation on (R63);
        `validate_overrides`: {(company id, customer number): its own setting} for the
        customers that have one."""
        self.layout = layout
        self.company_id = company_id
        self.companies = companies or {}
        self.tax_required = tax_required
        self.validate_address = validate_address
        self.validate_overrides = validate_overrides or {}
        self.sides = [(BILLING, layout.side(BILLING))]
        if layout.kind == FULL:
            self.sides.append((SHIPPING, layout.side(SHIPPING)))
        self.stored = stored or {}
        self.plans: dict[str, _SidePlan] = {}
        for side, columns in self.sides:
            fields = [f for _, f in columns]
            indexes = [i for i, _ in columns]
            # Rows as wide as the header are cut by one C-level call; shorter ones cell by cell.
            cut = itemgetter(*indexes) if len(indexes) > 1 else None
            self.plans[side] = _SidePlan(
                indexes=indexes,
                fields=fields,
                cut=cut,
                needed=max(indexes) + 1,
                number_at=fields.index("number") if "number" in fields else None,
                detail_at=[fields.index(f) if f in fields else None for f in DETAIL_FIELDS],
            )
        self.zone_index = layout.index_of(SHIPPING, ZONE)
        self.titles = {
            side: {f: title_for(side, f) for f in FIELD_NAMES} for side in (BILLING, SHIPPING)
        }
        self.zone_title = "Shipping Customer State"
        # Every present column: (index, title), for checks of a whole row.
        self.present = [(i, c.title) for i, c in layout.columns]
        # Which record's zones the file states (for "replace", R37).
        self.zoned = {
            BILLING: self.zone_index is not None,
            SHIPPING: layout.kind == FULL and layout.index_of(SHIPPING, "state") is not None,
        }

    def clean(self, row_no: int, cells: tuple[str, ...]) -> tuple[list[Record], list[Issue]]:
        """The records of one row (the billing customer's first) and its issues. A blank row
        gives neither; a row with any value but no billing customer number is a row error
        (R33), in both templates."""
        width = len(cells)
        company_id = self.company_id
        index = self.layout.company_index
        code = strip_invisible(cells[index]) if index is not None and index < width else ""
        if code:
            company_id = self.companies.get(code)
            if company_id is None:
                return [], [
                    Issue(
                        row_no,
                        COMPANY_CODE_TITLE,
                        f"{code!r} is not the code of the "
                        "picked company or of a company below it that you can reach.",
                    )
                ]
        require_tax_fields = company_id in self.tax_required
        records: list[Record] = []
        issues: list[Issue] = []
        if type(cells) is ProblemRow or has_forbidden("".join(cells)):
            issues = self._cell_issues(row_no, cells)
            # The row is in error; its records still mark the customer bad, without the
            # characters the database cannot take.
            cells = tuple(without_forbidden(cell) for cell in cells)
        bad = bool(issues)
        billing = None  # (number, details, error): made a Record once its link is known
        shipping_number = None
        for side, plan in self.plans.items():
            if plan.cut is not None and width >= plan.needed:
                raw = plan.cut(cells)
            else:
                raw = [cells[i] if i < width else "" for i in plan.indexes]
            number = strip_invisible(raw[plan.number_at]) if plan.number_at is not None else ""
            if not number:
                if side == BILLING:
                    if not bad and any(cells[i].strip() for i, _ in self.present if i < width):
                        issues.append(
                            Issue(
                                row_no,
                                self.titles[side]["number"],
                                "The customer number is required.",
                            )
                        )
                    break
                continue
            stored = self.stored.get(side)
            expected = stored.get(company_id, _NONE).get(number) if stored else None
            details: list[str | None]
            if (
                not bad
                and expected is not None
                and _same(raw, expected)
                and self._address_still_valid(company_id, number, plan, raw)
            ):
                # Cells equal to the stored values: what cleaning would give.
                details = [None if k is None else raw[k] for k in plan.detail_at]
                error = False
            else:
                values = dict(zip(plan.fields, raw, strict=True))
                values["number"] = number
                number, details, error = self._cleaned(
                    row_no, side, values, require_tax_fields, company_id, issues
                )
                error = error or bad
            if side == BILLING:
                billing = (number, details, error)
                continue
            shipping_number = number
            zoned, state = self.zoned[side], details[_STATE_AT]
            zone = state if zoned and state in REGION_NAMES else None
            records.append(
                Record._make((row_no, side, number, *details, zone, None, zoned, error, company_id))
            )
        if billing is None:
            return [], issues
        number, details, error = billing
        zone, error = self._zone(row_no, cells, issues, error)
        if shipping_number == number:
            issues.append(
                Issue(
                    row_no,
                    "Shipping Customer Number",
                    "A customer cannot be its own shipping customer.",
                )
            )
            error = True
        zoned = self.zoned[BILLING]
        billing_record = Record._make(
            (row_no, BILLING, number, *details, zone, shipping_number, zoned, error, company_id)
        )
        return [billing_record, *records], issues

    def _validates(self, company_id: int | None, number: str) -> bool:
        """Whether R63's ZIP-in-state check is on for the customer: its own setting, else its
        company's (effective) one."""
        return self.validate_overrides.get(
            (company_id, number), company_id in self.validate_address
        )

    def _address_still_valid(self, company_id: int | None, number: str, plan, raw) -> bool:
        """Stored values pass cleaning, but their ZIP may have been stored before R63's check
        was turned on: where it is on, the stored ZIP must still be in its state for the row
        to skip cleaning (else cleaning reports it). So a skipped row's record is what
        cleaning gives, whatever the stored customer becomes later (a kept check, P6)."""
        if not self._validates(company_id, number):
            return True
        value = {f: raw[i] for i, f in enumerate(plan.fields)}
        return not address_mismatch(
            state=value.get("state", ""), country=value.get("country", ""), zip=value.get("zip", "")
        )

    def _cell_issues(self, row_no: int, cells: tuple[str, ...]) -> list[Issue]:
        """Cells of present columns that cannot be read as a value (formulas without a
        computed value, errors, numbers past 15 digits: R33, R34) or that hold characters
        that cannot be stored (R49)."""
        problems = getattr(cells, "problems", {})
        issues = []
        for index, title in self.present:
            cell = f"{column_letter(index)}{row_no}"
            if index in problems:
                issues.append(Issue(row_no, title, f"Cell {cell}: {problems[index]}."))
            elif index < len(cells) and (
                points := [code_point(c) for c in forbidden_characters(cells[index])]
            ):
                issues.append(
                    Issue(
                        row_no,
                        title,
                        f"Cell {cell} holds "
                        f"{'a character' if len(points) == 1 else 'characters'} "
                        f"that cannot be stored ({', '.join(points)}); remove "
                        f"{'it' if len(points) == 1 else 'them'}.",
                    )
                )
        return issues

    def _cleaned(
        self,
        row_no: int,
        side: str,
        values: dict[str, str],
        require_tax_fields: bool,
        company_id: int | None,
        issues: list[Issue],
    ) -> tuple[str, list[str | None], bool]:
        """(number, detail values, whether in error) of one side's cells cleaned (R8-R10,
        R34, R63); its issues are added to `issues`."""
        titles = self.titles[side]
        if "zip" in values:
            padded = pad_zip(values["zip"], values.get("country", ""), values.get("state", ""))
            if padded:
                number = values["zip"].replace("-", "").lstrip("0") or "0"
                issues.append(
                    Issue(
                        row_no,
                        titles["zip"],
                        f"The ZIP code {number} was stored as a number; read as {padded}.",
                        WARNING,
                    )
                )
                values["zip"] = padded
        validate = self._validates(company_id, values["number"].strip())
        cleaned, errors = clean_customer_values(
            values, require_tax_fields=require_tax_fields, validate_address=validate
        )
        if errors:
            issues.extend(Issue(row_no, titles[f], message) for f, message in errors.items())
        elif not validate and "zip" in cleaned and "state" in cleaned:
            # R63 off: a ZIP outside its state is a warning.
            mismatch = address_mismatch(
                state=cleaned["state"], country=cleaned.get("country") or "", zip=cleaned["zip"]
            )
            if mismatch:
                issues.append(Issue(row_no, titles["zip"], mismatch, WARNING))
        return cleaned["number"], list(map(cleaned.get, DETAIL_FIELDS)), bool(errors)

    def _zone(
        self, row_no: int, cells: tuple[str, ...], issues: list[Issue], error: bool
    ) -> tuple[str | None, bool]:
        """The basic template's ship-to zone of the billing customer (R35), and whether the row
        is in error."""
        if self.zone_index is None or self.zone_index >= len(cells):
            return None, error
        region = cells[self.zone_index].strip().upper()
        if region and region not in REGION_NAMES:
            issues.append(
                Issue(
                    row_no,
                    self.zone_title,
                    f"{region!r} is not a US state, DC, US territory or Canadian province code.",
                )
            )
            return None, True
        return region or None, error


def _same(raw: list[str], expected: bytes) -> bool:
    """The cells are the stored values: equal digests (md5 of the cells joined, as
    `stored_digest_sql` computes it), and no cell holds the separator (so
    equal joined texts mean equal cells)."""
    joined = DIGEST_SEPARATOR.join(raw)
    return (
        md5(joined.encode(), usedforsecurity=False).digest() == expected
        and joined.count(DIGEST_SEPARATOR) == len(raw) - 1
    )
