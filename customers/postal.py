"""Address validation (R63): does a US ZIP belong to its state, a Canadian postal code to its
province? Pure: no ORM, except the QuerySet filter at the end.

US: the first three digits of a ZIP code name its sectional centre, and each three-digit prefix
(the USPS "three-digit ZIP Code prefix" list) belongs to one state, a few to two or three (063
CT and NY, 205 DC, MD and VA, ...): customers/zip_prefixes.py, with its source.
Canada: the first letter of a postal code is its postal district, one per province or
territory (two for Quebec and Ontario's several): Canada Post, "Canadian Addressing Guide",
postal code structure. X serves both the Northwest Territories and Nunavut.
"""

import functools
import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from customers.regions import CA_POSTAL, CA_REGIONS, US_REGIONS, US_ZIP
from customers.zip_prefixes import PREFIXES

CA_FIRST_LETTERS = {
    "NL": "A",
    "NS": "B",
    "PE": "C",
    "NB": "E",
    "QC": "GHJ",
    "ON": "KLMNP",
    "MB": "R",
    "SK": "S",
    "AB": "T",
    "BC": "V",
    "NT": "X",
    "NU": "X",
    "YT": "Y",
}


@functools.cache
def us_prefixes() -> dict[str, frozenset[str]]:
    """{USPS state code: its three-digit ZIP prefixes}, for US states, DC and territories."""
    return {state: frozenset(codes.split()) for state, codes in PREFIXES.items()}


def address_mismatch(*, state: str, country: str, zip: str) -> str | None:
    """Why a cleaned (R10) state and ZIP disagree, e.g. "ZIP 10001 is not in TX (its prefix
    100 is NY's).", or None when they agree or cannot be checked (blank, another country, a
    malformed value: R10 reports those)."""
    state, country, zip = state.strip().upper(), country.strip().upper(), zip.strip().upper()
    if not state or not zip:
        return None
    if country == "US" and state in US_REGIONS and US_ZIP.match(zip):
        prefixes = us_prefixes()
        if state not in prefixes or zip[:3] in prefixes[state]:
            return None
        owners = sorted(s for s, codes in prefixes.items() if zip[:3] in codes)
        whose = f"{' or '.join(owners)}'s" if owners else "no state's"
        return f"ZIP {zip} is not in {state}: its prefix {zip[:3]} is {whose}."
    if country == "CA" and state in CA_REGIONS and CA_POSTAL.match(zip):
        if zip[0] in CA_FIRST_LETTERS[state]:
            return None
        owners = sorted(p for p, letters in CA_FIRST_LETTERS.items() if zip[0] in letters)
        return (
            f"Postal code {zip} is not in {state}: codes starting with {zip[0]} are "
            f"{' or '.join(owners)}'s."
        )
    return None


def mismatches(qs: QuerySet) -> QuerySet:
    """The rows of a queryset of customers or addresses (fields state, country, zip) whose
    state and ZIP disagree (R63)."""
    return qs.alias(zip3=ZIP3).filter(mismatch_q())


ZIP3 = Substr("zip", 1, 3)


def mismatch_q() -> Q:
    """What `address_mismatch` finds, in SQL, for a queryset with the alias zip3=ZIP3."""
    us_ok = Q()
    for state, codes in us_prefixes().items():
        us_ok |= Q(state=state, zip3__in=sorted(codes))
    ca_ok = Q()
    for province, letters in CA_FIRST_LETTERS.items():
        ca_ok |= Q(state=province, zip__regex=f"^[{letters}]")
    us = Q(country="US", state__in=list(us_prefixes()), zip__regex=_postgres(US_ZIP.pattern))
    ca = Q(country="CA", state__in=list(CA_FIRST_LETTERS), zip__regex=_postgres(CA_POSTAL.pattern))
    return (us & ~us_ok) | (ca & ~ca_ok)


def _postgres(pattern: str) -> str:
    # Python's and PostgreSQL's regular expressions agree on these classes and anchors.
    return re.sub(r"\\d", "[0-9]", pattern)
