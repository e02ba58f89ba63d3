"""Column mapping (R58): the layer between a file's own titles and the template's Layout.

A file whose titles are not the template's (an accounting system's customer export) is read
through a mapping: each basic-template column paired with at most one column of the file, one
to one, the key (`Billing Customer Number`) always. The mapping is proposed from the titles
(the template's own, then the usual titles of accounting exports below, then close spellings),
confirmed or changed by the user, saved under a name for the company, and applied again to any
file with the same titles. Everything after the Layout (cleaning, preview, apply, undo) is the
template's path unchanged. Pure: no ORM.
"""

import difflib
import hashlib
import re

from imports.columns import (
    BASIC,
    COMPANY_CODE_TITLE,
    ERRORS_TITLE,
    KEY_TITLE,
    TEMPLATES,
    Column,
    normalise_title,
)
from imports.header import Layout
from imports.reader import WorkbookRefused

COLUMNS: list[Column] = TEMPLATES[BASIC]  # what a mapping pairs (one to one)
CLOSE_ENOUGH = 0.9  # difflib ratio from which two spellings count as the same title

# The usual column titles of customer-list exports, by template title, most specific first.
# Collected from the vendors' public documentation of their customer exports and imports:
# - QuickBooks Online: Intuit, "Which contact fields are imported"
#   (community.intuit.com/articles/1583081) and the customer list's Export to Excel
#   ("Customer", "Company name", "Billing Address Line 1", "Billing Address City", ...).
# - QuickBooks Desktop: the IIF CUST list keywords (NAME, BADDR1-5, SADDR1-5, PHONE1, FAXNUM,
#   CONT1, RESALENUM; QuickBooks Desktop help "Customer:Job list") and the Excel customer
#   export ("Customer", "Company", "Bill to 1", "Main Phone", "Main Email", "Account No.").
# - Xero: "Import and export contacts" (help.xero.com; *ContactName, AccountNumber,
#   EmailAddress, POAttentionTo, POAddressLine1-4, POCity, PORegion, POPostalCode, POCountry,
#   SARegion, PhoneNumber, FaxNumber, TaxNumber).
# - NetSuite: the Customer record's CSV import and saved-search export fields ("Customer ID",
#   "Company Name", "Billing Address 1", "Billing City", "Billing State/Province", "Billing Zip",
#   "Tax Reg. Number").
# - Sage: Sage 50 US customer list export ("Customer ID", "Customer Name", "Bill to
#   Address-Line One", "Bill to City", "Bill to State", "Bill to Zip", "Telephone 1",
#   "Customer E-mail", "Ship to State 1") and Sage Intacct's customer fields (CUSTOMERID,
#   COMPANYNAME, ADDRESS1, CITY, STATE, ZIP, PHONE1, EMAIL1, TAXID).
# Titles are compared by their letters and digits only, case-insensitively.
KNOWN_TITLES: dict[str, list[str]] = {
    "Billing Customer Number": [
        "Customer ID",
        "Customer Number",
        "Customer No",
        "Customer No.",
        "Account Number",
        "AccountNumber",
        "Account No.",
        "Account No",
        "CUSTOMERID",
        "Customer Code",
        "Customer Ref",
        "Entity ID",
        "ID",
    ],
    "Billing Customer Alternate ID": [
        "Alternate ID",
        "Alt ID",
        "Internal ID",
        "External ID",
        "REFNUM",
    ],
    "Billing Customer FEIN": [
        "FEIN",
        "EIN",
        "Federal Tax ID",
        "Tax ID",
        "TAXID",
        "TaxNumber",
        "Tax Number",
        "Tax Reg. Number",
        "Tax Registration Number",
        "Business Number",
    ],
    "Billing Customer Name 1": [
        "Customer Name",
        "Customer",
        "ContactName",
        "Company Name",
        "Company",
        "Display Name As",
        "Display Name",
        "Full Name",
        "COMPANYNAME",
        "NAME",
        "Name",
    ],
    "Billing Customer Name 2": [
        "Name 2",
        "Print On Check As",
        "PRINTAS",
        "Company Name",
        "Company",
    ],
    "Billing Customer Attn Name": [
        "Attn Name",
        "Attention",
        "Attn",
        "POAttentionTo",
        "Bill To Attention",
        "Contact",
        "Primary Contact",
        "Contact Name",
        "CONT1",
    ],
    "Billing Customer Address 1": [
        "Billing Address Line 1",
        "Billing Address 1",
        "Bill Address 1",
        "Bill to 1",
        "Bill to Address-Line One",
        "POAddressLine1",
        "BADDR1",
        "ADDRESS1",
        "Address Line 1",
        "Address 1",
        "Street Address",
        "Street",
        "Billing Street",
        "Address",
    ],
    "Billing Customer Address 2": [
        "Billing Address Line 2",
        "Billing Address 2",
        "Bill Address 2",
        "Bill to 2",
        "Bill to Address-Line Two",
        "POAddressLine2",
        "BADDR2",
        "ADDRESS2",
        "Address Line 2",
        "Address 2",
        "Street 2",
    ],
    "Billing Customer City": [
        "Billing Address City",
        "Billing City",
        "Bill City",
        "Bill to City",
        "POCity",
        "City/Town",
        "City",
    ],
    "Billing Customer State": [
        "Billing Address State",
        "Billing State/Province",
        "Billing State",
        "Bill State",
        "Bill to State",
        "PORegion",
        "State/Province/Region",
        "State/Province",
        "Province/Territory",
        "Province",
        "Region",
        "State",
    ],
    "Billing Customer Country": [
        "Billing Address Country",
        "Billing Country",
        "Bill Country",
        "Bill to Country",
        "POCountry",
        "Country",
    ],
    "Billing Customer Zip": [
        "Billing Address Postal Code",
        "Billing Zip",
        "Bill Zip",
        "Bill to Zip",
        "POPostalCode",
        "Zip/Postal Code",
        "ZIP Code",
        "Postal Code",
        "Postcode",
        "Zip",
    ],
    "Billing Customer Phone": [
        "Main Phone",
        "PhoneNumber",
        "Phone Number",
        "Phone Numbers",
        "Telephone 1",
        "PHONE1",
        "Business Phone",
        "Telephone",
        "Phone",
    ],
    "Billing Customer Fax": ["FaxNumber", "Fax Number", "FAXNUM", "Fax"],
    "Billing Customer Email": [
        "Main Email",
        "EmailAddress",
        "Email Address",
        "Customer E-mail",
        "EMAIL1",
        "E-mail",
        "Email",
    ],
    "Shipping Customer State": [
        "Shipping Address State",
        "Shipping State/Province",
        "Shipping State",
        "Ship State",
        "Ship to State",
        "Ship to State 1",
        "SARegion",
    ],
}


class TitlesRefused(WorkbookRefused):
    """The file's titles are not the template's (R32); the page offers to map its columns."""


def _letters(title: str) -> str:
    return re.sub(r"[^0-9a-z]", "", normalise_title(title))


def titles_key(header) -> str:
    """What "the same titles" means: the file's titles, trimmed, case-insensitive, in any
    order, CertHub's error column aside (so an error file uploaded again is mapped the same;
    a SHA-256, hex)."""
    titles = sorted(
        key for key in map(normalise_title, header) if key and key != normalise_title(ERRORS_TITLE)
    )
    return hashlib.sha256("\x1f".join(titles).encode()).hexdigest()


def propose(header) -> dict[str, int | None]:
    """{template title: index of the proposed file column, or None}, one to one: the
    template's titles first, then the usual export titles (KNOWN_TITLES, in their order),
    then close spellings (difflib ratio >= CLOSE_ENOUGH), best first."""
    letters = [_letters(t) if str(t).strip() else "" for t in header]
    chosen: dict[str, int | None] = {c.title: None for c in COLUMNS}
    used: set[int] = set()

    def take(title: str, index: int) -> None:
        chosen[title] = index
        used.add(index)

    for column in COLUMNS:  # the template's own titles
        for index, key in enumerate(letters):
            if key and key == _letters(column.title) and index not in used:
                take(column.title, index)
                break
    for column in COLUMNS:  # the usual export titles
        if chosen[column.title] is not None:
            continue
        for known in KNOWN_TITLES[column.title]:
            found = next(
                (i for i, key in enumerate(letters) if key == _letters(known) and i not in used),
                None,
            )
            if found is not None:
                take(column.title, found)
                break
    scores = []  # close spellings
    for column in COLUMNS:
        if chosen[column.title] is not None:
            continue
        names = [column.title, *KNOWN_TITLES[column.title]]
        for index, key in enumerate(letters):
            if key:
                ratio = max(difflib.SequenceMatcher(None, key, _letters(n)).ratio() for n in names)
                if ratio >= CLOSE_ENOUGH:
                    scores.append((ratio, column.title, index))
    for _, title, index in sorted(scores, reverse=True):
        if chosen[title] is None and index not in used:
            take(title, index)
    return chosen


def check_pairs(pairs: dict[str, str]) -> dict[str, str]:
    """Errors of a mapping {template title: file title or ""}, by template title: the key
    must be mapped and no file column may serve two fields."""
    errors: dict[str, str] = {}
    seen: dict[str, str] = {}  # normalised file title -> the template title it serves
    if not pairs.get(KEY_TITLE):
        errors[KEY_TITLE] = "The customer number is the key: pick the column that holds it."
    for title, file_title in pairs.items():
        if not file_title:
            continue
        key = normalise_title(file_title)
        if key in seen:
            errors[title] = f'The column "{file_title}" is already paired with {seen[key]}.'
        seen.setdefault(key, title)
    return errors


def mapped_layout(header, pairs: dict[str, str]) -> Layout:
    """The Layout of a file read through a mapping {template title: file title} (unmapped
    fields absent: R33 leaves them untouched; CertHub's own `Company Code` column routes rows
    as in a template, R42). WorkbookRefused when a mapped title is not in the file or the
    mapping is not one to one."""
    errors = check_pairs(pairs)
    if errors:
        raise WorkbookRefused(" ".join(errors.values()))
    index_of: dict[str, int] = {}
    for position, title in enumerate(header):
        index_of.setdefault(normalise_title(title), position)
    by_title = {c.title: c for c in COLUMNS}
    columns = []
    for title, file_title in pairs.items():
        if not file_title:
            continue
        if title not in by_title:
            raise WorkbookRefused(f'The mapping pairs "{title}", which is not a template title.')
        index = index_of.get(normalise_title(file_title))
        if index is None:
            raise WorkbookRefused(
                f'The mapping expects a column "{file_title}" (for {title}), '
                "which this file does not have."
            )
        columns.append((index, by_title[title]))
    return Layout(
        kind=BASIC,
        columns=tuple(sorted(columns, key=lambda pair: pair[0])),
        company_index=index_of.get(normalise_title(COMPANY_CODE_TITLE)),
    )
