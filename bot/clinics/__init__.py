"""Finding a clinic: the directory the organisation keeps (a CSV), checked on import, and
searched by place name, location pin or postal code.

directory.py  reads and checks the CSV         hours.py     opening hours and "open now"
store.py      the active file, atomic import    gazetteer.py place names to coordinates
search.py     the grid index, nearest clinics  needs.py     "covid test" -> covid_testing
present.py    results as catalog messages      cli.py       `puente clinics ...`
"""
from __future__ import annotations


def warm() -> None:
    """Loads the directory and the place names (about two seconds) before the first question needs them."""
    from bot.clinics import gazetteer, search, store

    directory = store.current()
    directory.gazetteer.find("")
    gazetteer.geonames()
    search.us_zip("00000")
