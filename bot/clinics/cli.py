"""`puente clinics search QUERY` and `puente clinics import FILE`."""
from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.clinics.schema import SERVICES


def add_parser(sub) -> None:
    p = sub.add_parser("clinics", help="the clinic directory: search it, or import a new one")
    csub = p.add_subparsers(dest="action", required=True)
    s = csub.add_parser("search", help="the three nearest clinics to a place, postal code or lat,lon")
    s.add_argument("query", nargs="+", help='a place ("cdmx", "กรุงเทพ"), a postal code, or "14.90,-92.26"')
    s.add_argument("--lang", default="en", help="answer in en es th hmn so ur (default en)")
    s.add_argument("--need", choices=SERVICES, help="only clinics offering this service")
    s.add_argument("--json", action="store_true")
    i = csub.add_parser("import", help="check a CSV and, when nothing is wrong, make it the directory in use")
    i.add_argument("file", type=Path)
    p.set_defaults(func=run)


def run(args) -> int:
    return _import(args.file) if args.action == "import" else _search(args)


def _import(path: Path) -> int:
    from bot.clinics import store

    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    count, problems = store.import_file(path)
    if problems:
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s): nothing imported; the directory in use is unchanged "
              f"({store.path_in_use()})", file=sys.stderr)
        return 1
    print(f"imported {count} clinics into {store.active_path()}")
    return 0


def _pin(text: str) -> tuple[float, float] | None:
    try:
        lat, lon = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _search(args) -> int:
    from bot.clinics import needs, present, store
    from bot.conversation.catalog import render
    from bot.conversation.dialogue import Dialogue
    from bot.conversation.languages import LANGUAGES
    from bot.settings import get_settings

    if args.lang not in LANGUAGES:
        print(f"--lang must be one of {' '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    query = " ".join(args.query)
    directory = store.current()
    need = args.need or needs.need_in(query)
    pin = _pin(query)
    result = directory.search(pin=pin, need=need) if pin else directory.search(query, need=need)
    now = datetime.now(timezone.utc)
    if args.json:
        print(json.dumps(_as_json(result, args.lang, now), ensure_ascii=False, indent=2))
        return 0 if result.place else 1
    if result.place is None:
        print(render("clinic.place_unknown", args.lang))
        return 1
    settings = get_settings()
    params = Dialogue(settings).params(args.lang, settings.country)
    texts, _ = present.messages(result, args.lang, now, params, settings.country)
    print("\n\n".join(texts))
    return 0


def _as_json(result, lang: str, now: datetime) -> dict:
    from bot.clinics import present
    from bot.clinics.hours import format_hours, status

    if result.place is None:
        return {"place": None, "need": result.need, "clinics": []}
    place = result.place
    return {
        "place": {"label": place.label or None, "lat": place.lat, "lon": place.lon, "country": place.country or None},
        "need": result.need,
        "sample": result.sample,
        "clinics": [{
            "name": f.clinic.name, "km": round(f.km, 2), "phone": f.clinic.phone,
            "address": f"{f.clinic.address}, {f.clinic.city}", "country": f.clinic.country,
            "open_now": status(f.clinic.hours, f.clinic.timezone, now).open,
            "status": present.open_status(f.clinic, lang, now), "hours": format_hours(f.clinic.hours, lang),
            "timezone": f.clinic.timezone, "languages": list(f.clinic.languages), "services": sorted(f.clinic.services),
            "cost": f.clinic.cost, "undocumented": f.clinic.undocumented, "source": f.clinic.source,
            "last_verified": f.clinic.last_verified.isoformat(),
        } for f in result.clinics],
    }
