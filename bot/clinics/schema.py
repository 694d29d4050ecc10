"""The clinic directory's columns and the words allowed in them (data/clinics/SCHEMA.md)."""
from __future__ import annotations

COLUMNS = ("name", "address", "city", "region", "country", "postal_code", "latitude", "longitude", "phone",
           "languages", "services", "cost", "undocumented", "hours", "timezone", "source", "last_verified")
REQUIRED = ("name", "address", "city", "country", "latitude", "longitude", "phone", "languages", "services",
            "cost", "undocumented", "hours", "timezone", "source", "last_verified")

# The needs a person can ask for; each has a catalog label "service.<key>".
SERVICES = ("general", "covid_testing", "vaccination", "mental_health", "womens_health", "children")
COSTS = ("free", "sliding_scale", "paid")
UNDOCUMENTED = ("yes", "unknown")  # "sees people without documents": only a checked yes is a yes

# Languages CLDR has no name for but that clinics near the southern Mexican border speak.
EXTRA_LANGUAGES = {"mam": "Mam", "kjb": "Q'anjob'al", "jac": "Jakaltek", "tzo": "Tzotzil", "tzh": "Tzeltal"}

SAMPLE_MARK = "SAMPLE"  # a `source` starting with this is invented data: answers carry a banner


def split_list(value: str) -> list[str]:
    return [v.strip().lower() for v in (value or "").replace(",", ";").split(";") if v.strip()]
