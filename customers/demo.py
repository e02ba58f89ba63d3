"""Demo customers for the acme tenant (R46): a few hundred bill-to and ship-to customers across
the company tree, some not tax-ready, some Canadian, with addresses, contacts, phones and
emails, ship-to zones and links. Written with bulk_create: the history triggers still record
every row, under a context that names the demo owner."""

import random

from companies.history import history_context
from companies.models import ExemptionReason
from companies.services import company_update
from customers.models import (
    Address,
    ChannelKind,
    Contact,
    ContactChannel,
    Customer,
    CustomerKind,
    ShipToLink,
    ShipToZone,
)

US_PLACES = [
    ("Chicago", "IL", "60601"),
    ("Springfield", "IL", "62701"),
    ("Newark", "NJ", "07102"),
    ("Trenton", "NJ", "08608"),
    ("Albany", "NY", "12207"),
    ("Buffalo", "NY", "14202"),
    ("Brooklyn", "NY", "11201"),
    ("Pittsburgh", "PA", "15222"),
    ("Philadelphia", "PA", "19103"),
    ("Sacramento", "CA", "95814"),
    ("Fresno", "CA", "93721"),
    ("Austin", "TX", "78701"),
    ("Houston", "TX", "77002"),
    ("Dallas", "TX", "75201"),
    ("El Paso", "TX", "79901"),
    ("Columbus", "OH", "43215"),
    ("Detroit", "MI", "48226"),
    ("Atlanta", "GA", "30303"),
    ("Denver", "CO", "80202"),
    ("Phoenix", "AZ", "85004"),
    ("Seattle", "WA", "98101"),
    ("Portland", "OR", "97204"),
    ("Boston", "MA", "02108"),
    ("Baltimore", "MD", "21202"),
    ("Washington", "DC", "20001"),
    ("San Juan", "PR", "00901"),
    ("Miami", "FL", "33130"),
    ("Nashville", "TN", "37203"),
    ("Minneapolis", "MN", "55401"),
    ("Kansas City", "MO", "64105"),
]
CA_PLACES = [
    ("Toronto", "ON", "M5H 2N2"),
    ("Ottawa", "ON", "K1P 1J1"),
    ("Montreal", "QC", "H2Y 1C6"),
    ("Vancouver", "BC", "V6B 1A1"),
    ("Calgary", "AB", "T2P 1J9"),
    ("Winnipeg", "MB", "R3C 0V8"),
    ("Halifax", "NS", "B3J 1S9"),
]
FIRST = [
    "Northwind",
    "Blue Ridge",
    "Summit",
    "Harbor",
    "Prairie",
    "Lakeside",
    "Granite",
    "Cedar",
    "Pioneer",
    "Keystone",
    "Riverbend",
    "Evergreen",
    "Red Rock",
    "Silver Lake",
    "Oak Valley",
    "Bayview",
    "Ironwood",
    "Maple Leaf",
    "Frontier",
    "Golden Gate",
]
SECOND = [
    "Supply",
    "Hardware",
    "Builders",
    "Foods",
    "Medical",
    "Farms",
    "Electric",
    "Schools",
    "Church",
    "Logistics",
    "Restaurants",
    "Auto Parts",
    "Printing",
    "Labs",
    "Outfitters",
]
SUFFIX = ["Inc.", "LLC", "Co.", "Corp.", "Ltd.", ""]
STREETS = [
    "Main St",
    "Market St",
    "Industrial Pkwy",
    "Commerce Dr",
    "Harbor Rd",
    "Elm Ave",
    "Warehouse Way",
    "Depot St",
    "Lincoln Blvd",
    "Ridge Rd",
]
PEOPLE = [
    "Maria Lopez",
    "James Chen",
    "Aisha Patel",
    "Tom Becker",
    "Sofia Rossi",
    "Dan Miller",
    "Grace Kim",
    "Omar Haddad",
    "Lena Novak",
    "Sam Carter",
]
PER_COMPANY = 45


def _customer(rng, tenant, company, number, kind, canadian):
    city, state, zip_code = rng.choice(CA_PLACES if canadian else US_PLACES)
    name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(SUFFIX)}".strip()
    domain = name.split()[0].lower().replace(".", "") + ".example.com"
    customer = Customer(
        tenant=tenant,
        company=company,
        number=number,
        name1=name,
        kind=kind,
        address_line1=f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
        city=city,
        state=state,
        country="CA" if canadian else "US",
        zip=zip_code,
        email=f"ap@{domain}",
        phone=f"+1 {rng.randint(200, 989)} 555 {rng.randint(1000, 9999)}",
        fein=f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}" if not canadian else "",
        exemption_reason=rng.choice(
            [
                "",
                "",
                "",
                ExemptionReason.RESALE,
                ExemptionReason.CHARITABLE,
                ExemptionReason.MANUFACTURING,
            ]
        ),
    )
    if rng.random() < 0.12:  # not tax-ready: a field the accounting system never filled (R9)
        setattr(customer, rng.choice(["address_line1", "zip", "city"]), "")
    return customer


def load(context) -> dict:
    rng = random.Random(20240601)
    tenant, owner = context["tenant"], context["users"]["owner"]
    companies = context["companies"]
    # Settings at company level, so customer pages show where a value comes from (R19).
    if "ACME-EAST" in companies:
        company_update(company=companies["ACME-EAST"], expiring_soon_days=45)
        company_update(company=companies["ACME-TX"], exemption_reason=ExemptionReason.MANUFACTURING)
    per_company = context.get("per_company", PER_COMPANY)
    with history_context(owner, source="demo"):
        customers = []
        for index, (_code, company) in enumerate(sorted(companies.items())):
            canadian = company.country == "CA"
            for n in range(per_company):
                kind = CustomerKind.SHIP_TO if n % 3 == 2 else CustomerKind.BILL_TO
                number = f"{index + 1:02d}{n + 1:04d}" if n % 5 else f"C-{index + 1}{n + 1:03d}"
                customers.append(_customer(rng, tenant, company, number, kind, canadian))
        customers = Customer.objects.bulk_create(customers)

        zones, links, addresses, contacts = [], [], [], []
        by_company: dict[int, list[Customer]] = {}
        for customer in customers:
            by_company.setdefault(customer.company_id, []).append(customer)
        for group in by_company.values():
            shippers = [c for c in group if c.kind == CustomerKind.SHIP_TO]
            for customer in group:
                if customer.kind == CustomerKind.BILL_TO:
                    regions = {
                        customer.state,
                        *rng.sample(
                            ["NY", "NJ", "PA", "TX", "CA", "IL", "FL", "OH", "ON", "QC", "WA"],
                            rng.randint(0, 3),
                        ),
                    }
                    zones += [
                        ShipToZone(tenant=tenant, customer=customer, region=r)
                        for r in sorted(regions)
                        if r
                    ]
                    for shipping in rng.sample(shippers, min(len(shippers), rng.randint(0, 2))):
                        links.append(ShipToLink(tenant=tenant, billing=customer, shipping=shipping))
                if rng.random() < 0.35:
                    addresses.append(_extra_address(rng, tenant, customer))
                if rng.random() < 0.5:
                    contacts.append(
                        Contact(
                            tenant=tenant,
                            customer=customer,
                            name=rng.choice(PEOPLE),
                            title=rng.choice(["AP Manager", "Buyer", "Owner"]),
                        )
                    )
        ShipToZone.objects.bulk_create(zones)
        ShipToLink.objects.bulk_create(links)
        addresses = Address.objects.bulk_create(addresses)
        contacts = Contact.objects.bulk_create(contacts)
        channels = []
        for contact in contacts:
            email = f"{contact.name.split()[0].lower()}@{contact.customer.email.split('@')[1]}"
            phone = f"+1 312 555 {rng.randint(1000, 9999)}"
            channels += [
                ContactChannel(tenant=tenant, contact=contact, kind=kind, label=label, value=value)
                for kind, label, value in [
                    (ChannelKind.EMAIL, "work", email),
                    (ChannelKind.PHONE, "office", phone),
                ]
            ]
        channels += [
            ContactChannel(
                tenant=tenant,
                address=address,
                kind=ChannelKind.PHONE,
                label="dock",
                value=f"+1 800 555 {rng.randint(1000, 9999)}",
            )
            for address in addresses
        ]
        ContactChannel.objects.bulk_create(channels)
    return {"customers": customers}


def _extra_address(rng, tenant, customer):
    canadian = customer.country == "CA"
    city, state, zip_code = rng.choice(CA_PLACES if canadian else US_PLACES)
    return Address(
        tenant=tenant,
        customer=customer,
        label=rng.choice(["Warehouse", "Head office", "Store"]),
        line1=f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
        city=city,
        state=state,
        country=customer.country or "US",
        zip=zip_code,
        is_ship_to=True,
        is_statements=rng.random() < 0.3,
        is_bill_to=rng.random() < 0.3,
    )
