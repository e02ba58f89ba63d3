"""Basic-template workbooks for the import benchmarks, generated with openpyxl write-only.

The data looks like an accounting export: customer numbers as text (some with leading zeros,
some stored by Excel as numbers), company names, street addresses in real US states with ZIPs
of the right prefix (New England ZIPs keep their leading zero), phones, emails, optional
columns often blank, and one `Shipping Customer State` per row (one row per customer).

The "changed" variant rewrites a fifth of all cells (never the key or the country, so every
row stays valid): values become other values, some blanks get a value, some values become
blank (which erases the field, R33).

Files are cached in bench/.data/ (gitignored); `python bench/workbooks.py 10000` makes one.
"""

import random
import string
import sys
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / ".data"
VERSION = 1  # bump when the generated data changes, so cached files are remade

COLUMNS = [
    "Billing Customer Number",
    "Billing Customer Alternate ID",
    "Billing Customer FEIN",
    "Billing Customer Name 1",
    "Billing Customer Name 2",
    "Billing Customer Attn Name",
    "Billing Customer Address 1",
    "Billing Customer Address 2",
    "Billing Customer City",
    "Billing Customer State",
    "Billing Customer Country",
    "Billing Customer Zip",
    "Billing Customer Phone",
    "Billing Customer Fax",
    "Billing Customer Email",
    "Shipping Customer State",
]
NUMBER, COUNTRY = 0, 10
MUTABLE = [i for i in range(len(COLUMNS)) if i not in (NUMBER, COUNTRY)]
# A fifth of ALL cells changes, drawn from the mutable columns only.
CHANGE_PROBABILITY = len(COLUMNS) / (5 * len(MUTABLE))

# state: (ZIP prefixes, cities, phone area codes)
STATES = {
    "AL": (["350", "352", "366"], ["Birmingham", "Mobile", "Huntsville"], ["205", "251"]),
    "AZ": (["850", "852", "857"], ["Phoenix", "Tucson", "Mesa"], ["602", "520"]),
    "CA": (["900", "941", "958"], ["Los Angeles", "San Francisco", "Sacramento"], ["213", "415"]),
    "CO": (["802", "809"], ["Denver", "Colorado Springs"], ["303", "719"]),
    "CT": (["061", "065"], ["Hartford", "New Haven"], ["860", "203"]),
    "DC": (["200"], ["Washington"], ["202"]),
    "FL": (["331", "328", "336"], ["Miami", "Orlando", "Tampa"], ["305", "407"]),
    "GA": (["303", "314"], ["Atlanta", "Savannah"], ["404", "912"]),
    "IL": (["606", "627"], ["Chicago", "Springfield"], ["312", "217"]),
    "IN": (["462", "468"], ["Indianapolis", "Fort Wayne"], ["317", "260"]),
    "MA": (["021", "016", "011"], ["Boston", "Worcester", "Springfield"], ["617", "508"]),
    "MD": (["212", "208"], ["Baltimore", "Bethesda"], ["410", "301"]),
    "ME": (["041", "044"], ["Portland", "Bangor"], ["207"]),
    "MI": (["482", "495"], ["Detroit", "Grand Rapids"], ["313", "616"]),
    "MN": (["554", "551"], ["Minneapolis", "Saint Paul"], ["612", "651"]),
    "MO": (["631", "641"], ["St. Louis", "Kansas City"], ["314", "816"]),
    "NC": (["282", "276"], ["Charlotte", "Raleigh"], ["704", "919"]),
    "NH": (["031", "038"], ["Manchester", "Portsmouth"], ["603"]),
    "NJ": (["071", "085"], ["Newark", "Trenton"], ["973", "609"]),
    "NY": (["100", "122", "142"], ["New York", "Albany", "Buffalo"], ["212", "518"]),
    "OH": (["432", "441", "452"], ["Columbus", "Cleveland", "Cincinnati"], ["614", "216"]),
    "OR": (["972", "974"], ["Portland", "Eugene"], ["503", "541"]),
    "PA": (["191", "152"], ["Philadelphia", "Pittsburgh"], ["215", "412"]),
    "PR": (["009"], ["San Juan"], ["787"]),
    "RI": (["029"], ["Providence"], ["401"]),
    "TN": (["372", "381"], ["Nashville", "Memphis"], ["615", "901"]),
    "TX": (["770", "752", "787"], ["Houston", "Dallas", "Austin"], ["713", "214"]),
    "UT": (["841"], ["Salt Lake City"], ["801"]),
    "VA": (["232", "234"], ["Richmond", "Norfolk"], ["804", "757"]),
    "VT": (["054"], ["Burlington"], ["802"]),
    "WA": (["981", "992"], ["Seattle", "Spokane"], ["206", "509"]),
    "WI": (["532", "537"], ["Milwaukee", "Madison"], ["414", "608"]),
}
STATE_CODES = sorted(STATES)
SURNAMES = [
    "Anderson",
    "Baker",
    "Carter",
    "Delgado",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibarra",
    "Jensen",
    "Kowalski",
    "Lambert",
    "Morales",
    "Nguyen",
    "Olsen",
    "Patel",
    "Quinn",
    "Romero",
    "Schmidt",
    "Tanaka",
    "Underwood",
    "Vasquez",
    "Walsh",
    "Xiong",
    "Young",
    "Zimmerman",
    "Brooks",
    "Coleman",
    "Diaz",
    "Foster",
    "Griffin",
    "Hayes",
]
FIRST_NAMES = [
    "Ava",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Farah",
    "Grace",
    "Hiro",
    "Isla",
    "Jamal",
    "Kara",
    "Liam",
    "Maya",
    "Noah",
    "Omar",
    "Priya",
    "Rosa",
    "Sam",
    "Tara",
    "Victor",
    "Wen",
    "Yara",
    "Zoe",
]
TRADES = [
    "Supply",
    "Hardware",
    "Foods",
    "Medical",
    "Electric",
    "Plumbing",
    "Office",
    "Auto",
    "Farm",
    "Marine",
    "Printing",
    "Textiles",
    "Lumber",
    "Chemicals",
    "Restaurant",
    "School",
    "Church",
    "Clinic",
    "Builders",
    "Logistics",
]
SUFFIXES = ["Inc.", "LLC", "Co.", "Corp.", "Ltd.", "& Sons", "Group", "Partners"]
STREETS = [
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "River",
    "Church",
    "Market",
    "Franklin",
    "Lincoln",
    "Jackson",
    "Highland",
    "Sunset",
    "Ridge",
    "Meadow",
]
STREET_TYPES = ["St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct", "Pkwy"]


def customer_number(index: int) -> str | int:
    """Unique per row: 10% numeric cells, 30% text with leading zeros, the rest plain text."""
    if index % 10 == 0:
        return 2_000_000 + index  # a number cell: must not come back as "2000000.0" (R34)
    if index % 10 < 4:
        return f"{index:08d}"
    return str(3_000_000 + index)


def _company(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _street(rng: random.Random) -> str:
    return f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"


def _zip(rng: random.Random, state: str) -> str:
    code = rng.choice(STATES[state][0]) + f"{rng.randint(0, 99):02d}"
    return f"{code}-{rng.randint(0, 9999):04d}" if rng.random() < 0.1 else code


def _phone(rng: random.Random, state: str) -> str:
    return f"({rng.choice(STATES[state][2])}) 555-{rng.randint(0, 9999):04d}"


# Optional columns and how often they hold a value.
FILLED = {1: 0.5, 2: 0.6, 4: 0.3, 5: 0.5, 7: 0.2, 13: 0.3}


def _value(rng: random.Random, column: int, state: str) -> object:
    """A non-blank value for one column (the row's state drives city, ZIP and phone)."""
    match column:
        case 1:
            return f"A{rng.randint(10000, 99999)}"
        case 2:
            return f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
        case 3:
            return _company(rng)
        case 4:
            return f"dba {rng.choice(SURNAMES)} {rng.choice(TRADES)}"
        case 5:
            return f"Attn: {_person(rng)}"
        case 6:
            return _street(rng)
        case 7:
            return f"Suite {rng.randint(100, 999)}"
        case 8:
            return rng.choice(STATES[state][1])
        case 9 | 15:
            return rng.choice(STATE_CODES)
        case 11:
            return _zip(rng, state)
        case 12 | 13:
            return _phone(rng, state)
        case 14:
            user = rng.choice(["ap", "tax", "billing", "accounts", rng.choice(FIRST_NAMES).lower()])
            domain = "".join(rng.choices(string.ascii_lowercase, k=8))
            return f"{user}@{domain}.example.com"
    raise ValueError(column)


def _cell(rng: random.Random, column: int, state: str) -> object:
    if column in FILLED and rng.random() >= FILLED[column]:
        return ""
    return _value(rng, column, state)


def _different(rng: random.Random, column: int, row: list) -> object:
    """A value unlike the current one: a blank gets a value, a value becomes another value
    or (in an optional column, half the time) a blank."""
    old = row[column]
    if column in FILLED and old != "" and rng.random() < 0.5:
        return ""
    for _ in range(50):
        # Any state's cities, so that the city of a single-city state can change too.
        new = _value(rng, column, rng.choice(STATE_CODES) if column == 8 else row[9])
        if new != old:
            return new
    raise ValueError(f"no different value for column {column}")


def basic_rows(count: int, *, changed: bool = False, seed: int = 1) -> Iterator[list]:
    """The data rows, the same every time for one seed; `changed` rewrites a fifth of cells."""
    rng = random.Random(seed)
    change_rng = random.Random(seed + 1_000_003)
    for index in range(count):
        row: list = [customer_number(index)] + [""] * (len(COLUMNS) - 1)
        row[9] = rng.choice(STATE_CODES)
        row[COUNTRY] = "US"
        for column in MUTABLE:
            if column != 9:
                row[column] = _cell(rng, column, row[9])
        if changed:
            for column in MUTABLE:
                if change_rng.random() < CHANGE_PROBABILITY:
                    row[column] = _different(change_rng, column, row)
        yield row


def write_workbook(path: Path, rows, header: list[str] = COLUMNS) -> Path:
    """Write the header and rows with openpyxl's write-only mode (constant memory)."""
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Customers")
    sheet.append(header)
    for row in rows:
        # An empty cell, not an empty string, is what Excel writes for a blank.
        sheet.append([None if value == "" else value for value in row])
    partial = path.with_suffix(".partial")
    workbook.save(partial)
    partial.replace(path)  # a crash mid-write never leaves a truncated cached file
    return path


def basic_workbook(count: int, *, changed: bool = False) -> Path:
    """The cached basic-template file of `count` rows (made if missing)."""
    name = f"basic-v{VERSION}-{count}{'-changed' if changed else ''}.xlsx"
    path = DATA_DIR / name
    if not path.exists():
        write_workbook(path, basic_rows(count, changed=changed))
    return path


# --- the largest accepted file (R40: 50 MB), for P3 ------------------------------------------

BIG_TARGET_BYTES = 49_000_000  # under 50 MB however the engine counts a megabyte
WORDS = [
    "north",
    "south",
    "east",
    "west",
    "general",
    "central",
    "united",
    "national",
    "regional",
    "metro",
    "coastal",
    "valley",
    "mountain",
    "harbor",
    "prairie",
    "industrial",
    "commercial",
    "wholesale",
    "retail",
    "services",
    "distribution",
    "warehouse",
    "division",
    "department",
    "account",
    "receivable",
    "payable",
    "exempt",
    "resale",
    "certificate",
    "building",
    "floor",
    "unit",
    "dock",
    "terminal",
    "plaza",
    "center",
    "tower",
]


def _long_text(rng: random.Random, length: int) -> str:
    words = []
    size = 0
    while size < length:
        word = (
            rng.choice(WORDS)
            if rng.random() < 0.7
            else "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))
        )
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length].strip().title()


def big_rows(count: int, seed: int = 7) -> Iterator[list]:
    """Basic rows whose text columns are filled close to their maximum lengths."""
    rng = random.Random(seed)
    for row in basic_rows(count, seed=seed):
        for column, length in ((3, 190), (4, 190), (5, 190), (6, 190), (7, 190), (8, 90)):
            row[column] = _long_text(rng, rng.randint(length - 40, length))
        yield row


def big_workbook() -> Path:
    """A ~49 MB basic file: a sample calibrates the bytes per row, then the full file is made."""
    path = DATA_DIR / f"big-v{VERSION}.xlsx"
    if path.exists():
        return path
    sample = write_workbook(DATA_DIR / "big-sample.xlsx", big_rows(5_000))
    per_row = sample.stat().st_size / 5_000
    sample.unlink()
    count = min(int(BIG_TARGET_BYTES / per_row), 1_048_575)
    return write_workbook(path, big_rows(count))


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["10000"]:
        if arg == "big":
            print(big_workbook())
        else:
            print(basic_workbook(int(arg)), basic_workbook(int(arg), changed=True))


# --- the largest file of P6: every row Excel allows, five columns ----------------------------

HUGE_ROWS = 1_048_575  # a sheet's 1,048,576 rows less the header
HUGE_COLUMNS = [0, 3, 9, 10, 11]  # number, name 1, state, country, ZIP (SPEC P6)


def huge_workbook(count: int = HUGE_ROWS) -> Path:
    """The cached P6 file: 1,048,575 basic-template rows of five columns (~23 MB)."""
    path = DATA_DIR / f"huge-v{VERSION}-{count}.xlsx"
    if not path.exists():
        rows = ([row[i] for i in HUGE_COLUMNS] for row in basic_rows(count, seed=11))
        write_workbook(path, rows, header=[COLUMNS[i] for i in HUGE_COLUMNS])
    return path
