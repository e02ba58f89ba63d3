"""Cleaning one data row into customer records (R33-R36), before anything is written.

A row gives a billing record and, in the full template, a shipping record. Each record carries
the cleaned values of the columns present in the file (None for an absent column: R33 leaves
that field untouched; "" for a blank cell: R33 erases it). Checks that need the other rows or
the database (clones that disagree, new customers without a name, locked addresses) are made
set-based in the engine. Pure: no ORM.

Re-imports mostly repeat what is stored. A side whose cells are exactly the stored values
(compared by a digest the engine reads from the database, see `stored_digest_sql`) skips
cleaning: stored values were cleaned when written, and cleaning is idempotent, so cleaning
them again would return them unchanged and without errors.
"""

from collections.abc import Container
from hashlib import md5
from operator import itemgetter
from typing import NamedTuple

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

# Columns of the engine's record table after row number, side and customer number.
DETAIL_FIELDS = [name for name in FIELD_NAMES if name != "number"]
ERROR, WARNING = "error", "warning"


class Issue(NamedTuple):
    row: int
    column: str
    message: str
    level: str = ERROR


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
    joined = ", ".join(f"c.{f}" for f in fields)
    return (
        f"SELECT c.company_id, c.number, "  # noqa: S608
        f"decode(md5(concat_ws(E'\\x1f', {joined})), 'hex') FROM customers_customer c "
        "JOIN companies_company co ON co.id = c.company_id "
        "WHERE c.company_id = ANY(%s) AND (c.tax_ready OR NOT co.require_tax_fields)"
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
        validate_overrides: dict[tuple[int, str], bool] | None = None,
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
        # By side: the column indexes, the position of the number among them, and for each
        # detail field its position (None: column absent), to build records from cells.
        self.plans = {}
        for side, columns in self.sides:
            fields = [f for _, f in columns]
            indexes = [i for i, _ in columns]
            # Rows as wide as the header are cut by one C-level call; shorter ones cell by cell.
            cut = itemgetter(*indexes) if len(indexes) > 1 else None
            self.plans[side] = (
                indexes,
                fields,
                cut,
                max(indexes) + 1,
                fields.index("number") if "number" in fields else None,
                [fields.index(f) if f in fields else None for f in DETAIL_FIELDS],
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

    def clean(self, row_no: int, cells: tuple[str, ...]) -> tuple[list[tuple], list[Issue]]:
        """The records of one row (for COPY, each ending with its company id) and its issues.
        A blank row gives neither; a row with any value but no billing customer number is a row
        error (R33), in both templates."""
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
        records, issues = [], []
        numbers = {}
        if type(cells) is ProblemRow or has_forbidden("".join(cells)):
            issues = self._cell_issues(row_no, cells)
            # The row is in error; its records still mark the customer bad, without the
            # characters the database cannot take.
            cells = tuple(without_forbidden(cell) for cell in cells)
        bad = bool(issues)
        for side, plan in self.plans.items():
            indexes, fields, cut, needed, number_at, detail_at = plan
            if cut is not None and width >= needed:
                raw = cut(cells)
            else:
                raw = [cells[i] if i < width else "" for i in indexes]
            number = strip_invisible(raw[number_at]) if number_at is not None else ""
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
            if not bad and expected is not None and _same(raw, expected):
                record = self._stored_record(row_no, side, number, raw, detail_at)
            else:
                values = dict(zip(fields, raw, strict=True))
                values["number"] = number
                record, record_issues = self._record(
                    row_no, side, values, require_tax_fields, company_id
                )
                issues.extend(record_issues)
                if bad and not record[-1]:
                    record = (*record[:-1], True)
            numbers[side] = record[2]
            records.append(record)
        if not records:
            return [], issues
        if records[0][1] == BILLING:
            records[0] = self._billing_extras(row_no, cells, records[0], numbers, issues)
        return [(*record, company_id) for record in records], issues

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

    def _stored_record(self, row_no, side, number, raw, detail_at) -> tuple:
        """The record of cells equal to the stored values: what cleaning would give."""
        details = [None if k is None else raw[k] for k in detail_at]
        zone = None
        if side == SHIPPING and self.zoned[SHIPPING]:
            state = details[DETAIL_FIELDS.index("state")]
            zone = state if state in REGION_NAMES else None
        return (row_no, side, number, *details, zone, None, self.zoned[side], False)

    def _record(
        self,
        row_no: int,
        side: str,
        values: dict,
        require_tax_fields: bool,
        company_id: int | None = None,
    ) -> tuple[tuple, list[Issue]]:
        titles = self.titles[side]
        issues = []
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
        validate = self.validate_overrides.get(
            (company_id, values["number"].strip()), company_id in self.validate_address
        )
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
        zone = None
        if side == SHIPPING and self.zoned[SHIPPING] and cleaned.get("state") in REGION_NAMES:
            zone = cleaned["state"]
        record = (
            row_no,
            side,
            cleaned["number"],
            *map(cleaned.get, DETAIL_FIELDS),
            zone,
            None,
            self.zoned[side],
            bool(errors),
        )
        return record, issues

    def _billing_extras(self, row_no, cells, record, numbers, issues) -> tuple:
        """The basic template's ship-to zone and the full template's link (R35, R36)."""
        zone, link_to, error = None, None, record[-1]
        if self.zone_index is not None and self.zone_index < len(cells):
            region = cells[self.zone_index].strip().upper()
            if region and region not in REGION_NAMES:
                issues.append(
                    Issue(
                        row_no,
                        self.zone_title,
                        f"{region!r} is not a US state, DC, "
                        "US territory or Canadian province code.",
                    )
                )
                error = True
            elif region:
                zone = region
        if SHIPPING in numbers:
            link_to = numbers[SHIPPING]
            if link_to == numbers[BILLING]:
                issues.append(
                    Issue(
                        row_no,
                        "Shipping Customer Number",
                        "A customer cannot be its own shipping customer.",
                    )
                )
                error = True
        return (*record[:-4], zone, link_to, record[-2], error)


def _same(raw: list[str], expected: bytes) -> bool:
    """The cells are the stored values: equal digests (md5 of the cells joined, as
    `stored_digest_sql` computes it), and no cell holds the separator (so
    equal joined texts mean equal cells)."""
    joined = DIGEST_SEPARATOR.join(raw)
    return (
        md5(joined.encode(), usedforsecurity=False).digest() == expected
        and joined.count(DIGEST_SEPARATOR) == len(raw) - 1
    )
