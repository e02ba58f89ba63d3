"""Regions, states and postal codes by country (R10, R11), from django-localflavor's lists.

Pure functions with no ORM, shared by the customer forms and the import engine.
"""

import re

from localflavor.ca.ca_provinces import PROVINCE_CHOICES
from localflavor.us.us_states import CONTIGUOUS_STATES, NON_CONTIGUOUS_STATES, US_TERRITORIES

from certhub.countries import is_country_code, not_a_country_message

# US states, DC and territories by USPS code (R10); DC is among localflavor's contiguous states.
# Names stay lazy translations: they are read only once settings are loaded.
US_REGIONS = dict((*CONTIGUOUS_STATES, *NON_CONTIGUOUS_STATES, *US_TERRITORIES))
CA_REGIONS = dict(PROVINCE_CHOICES)
REGION_NAMES = {**US_REGIONS, **CA_REGIONS}


def _by_name(regions: dict) -> list[tuple[str, str]]:
    return sorted(regions.items(), key=lambda item: str(item[1]))


def region_choices() -> list:
    """Grouped choices for a region drop-down, by name within each country."""
    return [("United States", _by_name(US_REGIONS)), ("Canada", _by_name(CA_REGIONS))]


def region_groups() -> list:
    """Choices grouped for the region checkboxes: the 50 states; DC and the territories;
    Canada's provinces and territories. By name within each group."""
    other = {
        code: name
        for code, name in US_REGIONS.items()
        if code == "DC" or code not in dict((*CONTIGUOUS_STATES, *NON_CONTIGUOUS_STATES))
    }
    states = {code: name for code, name in US_REGIONS.items() if code not in other}
    return [
        ("US states", _by_name(states)),
        ("DC and US territories", _by_name(other)),
        ("Canada", _by_name(CA_REGIONS)),
    ]


_REGION_SEPARATORS = re.compile(r"[\s,;]+")


def split_regions(text: str) -> list[str]:
    """Region codes as typed ("tx fl;ca, ON"): commas, semicolons and spaces separate them;
    upper-cased, each once, in order (["TX", "FL", "CA", "ON"]). Not checked here."""
    return list(dict.fromkeys(code.upper() for code in _REGION_SEPARATORS.split(text) if code))


US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
CA_POSTAL = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")


def region_country(region: str) -> str | None:
    """The country of a US or Canadian region code, else None."""
    if region in US_REGIONS:
        return "US"
    if region in CA_REGIONS:
        return "CA"
    return None


def normalise_address(
    *,
    state: str,
    country: str | None,
    zip: str,
) -> tuple[str, str, str, dict]:
    """Clean state, country and ZIP together; returns (state, country, zip, errors by field).

    A US or Canadian state without a country sets the country; any other state needs one
    (`country=None`: not given, the stored country stays, so that check is left out). US and
    Canadian states and postal codes are checked; other countries keep free text (R10).
    """
    given = country is not None
    state, country, zip = state.strip(), (country or "").strip().upper(), zip.strip()
    errors: dict[str, str] = {}
    if state and region_country(state.upper()):
        state = state.upper()
    if state and not country:
        country = region_country(state) or ""
        if not country and given:
            errors["country"] = (
                f"{state!r} is no US or Canadian state code: give the country (ISO code, e.g. DE)."
            )
    if country and not is_country_code(country):
        errors["country"] = not_a_country_message(country)
    if country == "US":
        if state and state not in US_REGIONS:
            errors["state"] = f"{state!r} is not a US state, DC or territory USPS code."
        if zip and not US_ZIP.match(zip):
            errors["zip"] = f"{zip!r} is not a US ZIP code (12345 or 12345-6789)."
    elif country == "CA":
        if state and state not in CA_REGIONS:
            errors["state"] = f"{state!r} is not a Canadian province or territory code."
        if zip:
            zip = zip.upper()
            if not CA_POSTAL.match(zip):
                errors["zip"] = f"{zip!r} is not a Canadian postal code (A1A 1A1)."
            elif " " not in zip:
                zip = f"{zip[:3]} {zip[3:]}"
    return state, country, zip, errors
