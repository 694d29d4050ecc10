"""The volunteer roster, kept in Redis so the console and the command line can change it
while everything runs; config/organisation.yml only seeds it once.

One hash per volunteer (`puente:volunteer:{id}`) and a set of ids (`puente:volunteers`).
A phone number is stored only sealed (bot.store.secrets_box) with a masked copy for display;
a password only as an argon2id hash. Duty hours stay in the organisation's config.
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.conversation.languages import LANGUAGES
from bot.settings import get_settings
from bot.store import storage
from bot.store.secrets_box import seal, unseal

KEY = "puente:volunteer:{}"
ROSTER = "puente:volunteers"
SEEDED = "puente:volunteers:seeded"  # set once: the sample roster is imported at most once
# A reviewer checks the catalogs in the languages they speak (console › Review); never on call.
ROLES = ("volunteer", "coordinator", "admin", "reviewer")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FIELDS = ("name", "phone", "languages", "on_call", "role", "password")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


# -- values --------------------------------------------------------------------------------

def normalise_phone(phone: str) -> str:
    """E.164-style digits, as Twilio expects them: "+1-555-0101" -> "+15550101"."""
    number = re.sub(r"[\s\-().]", "", phone or "")
    if not re.fullmatch(r"\+?\d{6,15}", number):
        raise ValueError("a phone number needs 6 to 15 digits, optionally with a leading +")
    return number if number.startswith("+") else "+" + number


def mask_phone(phone: str) -> str:
    """"+15550123" -> "+1-***-**23": enough to tell two volunteers apart, not to call them."""
    digits = normalise_phone(phone)[1:]
    country = "1" if digits.startswith("1") else digits[:2]  # NANP is 1; the hotline's other countries use two digits
    return f"+{country}-***-**{digits[-2:]}"


def _languages(value) -> list[str]:
    codes = value.split(",") if isinstance(value, str) else list(value or [])
    codes = [c.strip().lower() for c in codes if c and c.strip()]
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language codes {unknown}; use {' '.join(LANGUAGES)}")
    if not codes:
        raise ValueError("a volunteer speaks at least one language")
    return list(dict.fromkeys(codes))  # keep order, drop repeats


def _flag(value) -> str:
    return "1" if value in (True, 1, "1", "true", "yes", "on") else "0"


def _role(value: str) -> str:
    if value not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    return value


def _encode(**fields) -> dict[str, str]:
    """Validated hash fields from the friendly arguments of add() and update()."""
    out: dict[str, str] = {}
    if "name" in fields:
        name = " ".join(str(fields["name"]).split())
        if not name:
            raise ValueError("a volunteer needs a name")
        out["name"] = name
    if "phone" in fields:
        number = normalise_phone(fields["phone"])
        out["phone"], out["phone_masked"] = seal(number), mask_phone(number)
    if "languages" in fields:
        out["languages"] = ",".join(_languages(fields["languages"]))
    if "on_call" in fields:
        out["on_call"] = _flag(fields["on_call"])
    if "role" in fields:
        out["role"] = _role(fields["role"])
    if fields.get("password"):
        check_password(fields["password"])
        out["password_hash"] = _hasher().hash(fields["password"])
        out["session_epoch"] = uuid.uuid4().hex  # ends every session signed in with the old password
    return out


MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = get_settings().data_dir / "security" / "common-passwords.txt"
    return frozenset(line.strip().casefold() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def check_password(password: str) -> None:
    """Raises ValueError (in words an admin can act on) for a password too short or too common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters (a few words work well)")
    folded = password.casefold()
    if folded in _common_passwords() or len(set(folded)) < 4:
        raise ValueError("that password is too common or too easy to guess")


def _decode(raw: dict[str, str]) -> dict:
    # Strings as stored (on_call stays "1"/"0"), except languages, which callers always iterate.
    volunteer = dict(raw)
    volunteer["languages"] = [c for c in raw.get("languages", "").split(",") if c]
    volunteer.setdefault("password_hash", "")
    return volunteer


# -- the roster ----------------------------------------------------------------------------

def add(name: str, phone: str, languages, on_call: bool = True, role: str = "volunteer",
        password: str | None = None) -> dict:
    fields = _encode(name=name, phone=phone, languages=languages, on_call=on_call, role=role, password=password)
    if find_by_name(fields["name"]):
        raise ValueError("a volunteer with that name exists (names sign in to the console)")
    volunteer_id = uuid.uuid4().hex[:10]
    pipe = storage.client().pipeline(transaction=True)
    pipe.hset(KEY.format(volunteer_id), mapping={"id": volunteer_id, **fields})
    pipe.sadd(ROSTER, volunteer_id)
    pipe.execute()
    return get(volunteer_id)


def get(volunteer_id: str) -> dict | None:
    if not volunteer_id:
        return None
    raw = storage.client().hgetall(KEY.format(volunteer_id))
    return _decode(raw) if raw else None


def list_all() -> list[dict]:
    r = storage.client()
    pipe = r.pipeline()
    for volunteer_id in sorted(r.smembers(ROSTER)):
        pipe.hgetall(KEY.format(volunteer_id))
    return sorted((_decode(raw) for raw in pipe.execute() if raw), key=lambda v: (v["name"].lower(), v["id"]))


def canonical_name(name: str) -> str:
    """How names are compared and throttled: Unicode NFKC, case-folded, whitespace (tabs,
    non-breaking spaces) collapsed, so "Ana  López\t" and "ana lópez" are one name."""
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def find_by_name(name: str) -> dict | None:
    wanted = canonical_name(name)
    return next((v for v in list_all() if canonical_name(v["name"]) == wanted), None) if wanted else None


def update(volunteer_id: str, **fields) -> dict | None:
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    current = get(volunteer_id)
    if current is None:
        return None
    values = _encode(**fields)
    if "name" in values:
        other = find_by_name(values["name"])
        if other and other["id"] != volunteer_id:
            raise ValueError("a volunteer with that name exists")
    if values:
        storage.client().hset(KEY.format(volunteer_id), mapping=values)
    return get(volunteer_id)


def remove(volunteer_id: str) -> bool:
    pipe = storage.client().pipeline(transaction=True)
    pipe.delete(KEY.format(volunteer_id))
    pipe.srem(ROSTER, volunteer_id)
    deleted, _ = pipe.execute()
    return bool(deleted)


def phone_of(volunteer: dict) -> str:
    """The volunteer's number in clear, for sending only: never log or display it."""
    return unseal(volunteer["phone"])


def public(volunteer: dict) -> dict:
    """What may be shown or printed: no sealed number, no password hash."""
    shown = {k: v for k, v in volunteer.items() if k not in ("phone", "password_hash")}
    shown["has_password"] = bool(volunteer.get("password_hash"))
    return shown


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash(uuid.uuid4().hex)


def verify_password(volunteer: dict | None, password: str) -> bool:
    stored = (volunteer or {}).get("password_hash", "")
    if not stored:
        # The same work as for a real name, so that timing does not tell which names exist.
        try:
            _hasher().verify(_dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        _hasher().verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(stored):
        storage.client().hset(KEY.format(volunteer["id"]), "password_hash", _hasher().hash(password))
    return True


def on_call_all() -> list[dict]:
    """Everyone on call; never a reviewer, who checks content and takes no cases or calls."""
    return [v for v in list_all() if v.get("on_call") == "1" and v.get("role") != "reviewer"]


def on_call_for(language: str) -> list[dict]:
    return [v for v in on_call_all() if language in v["languages"]]


def coordinator() -> dict | None:
    return next((v for v in list_all() if v.get("role") == "coordinator"), None)


def seed_from_config(org: dict | None = None) -> int:
    """Imports `volunteers:` and `coordinator:` from the organisation config into an empty
    roster, once. Afterwards the roster is managed in Redis (console, `puente volunteers`),
    so removing everybody does not bring the samples back."""
    org = get_settings().org if org is None else org
    r = storage.client()
    if r.scard(ROSTER) or not r.set(SEEDED, "1", nx=True):
        return 0
    entries = [(entry, "volunteer") for entry in org.get("volunteers") or []]
    if org.get("coordinator"):
        entries.append((org["coordinator"], "coordinator"))
    for entry, role in entries:
        add(entry["name"], str(entry["phone"]), entry.get("languages") or ["en"],
            on_call=bool(entry.get("on_call", role == "volunteer")), role=entry.get("role", role),
            password=entry.get("password"))
    return len(entries)


# -- duty hours ----------------------------------------------------------------------------

def _hours() -> tuple[set[int], time, time, ZoneInfo]:
    hours = (get_settings().org.get("hotline") or {}).get("hours") or {}
    days = {DAYS.index(d.lower()[:3]) for d in hours.get("days", DAYS)}
    opens, closes = (time.fromisoformat(hours.get(k, default)) for k, default in (("open", "00:00"), ("close", "00:00")))
    return days, opens, closes, ZoneInfo(hours.get("timezone", "UTC"))


def _local(now: datetime | None, zone: ZoneInfo) -> datetime:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)  # naive means UTC, like time.time()
    return now.astimezone(zone)


def _shifts(local: datetime, days: set[int], opens: time, closes: time, zone: ZoneInfo):
    """(start, end) of the shifts starting from yesterday on, in order. A close at or
    before the open time means the shift runs past midnight into the next day."""
    for offset in range(-1, 9):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        start = datetime.combine(day, opens, tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1) if closes <= opens else day, closes, tzinfo=zone)
        yield start, end


def on_duty_now(now: datetime | None = None) -> bool:
    days, opens, closes, zone = _hours()
    local = _local(now, zone)
    return any(start <= local < end for start, end in _shifts(local, days, opens, closes, zone))


def next_duty_start(now: datetime | None = None) -> datetime | None:
    """When volunteers are next on duty, in the hotline's time zone: `now` itself while a
    shift is on, else the next shift's start (None when no duty days are configured)."""
    days, opens, closes, zone = _hours()
    local = _local(now, zone)
    for start, end in _shifts(local, days, opens, closes, zone):
        if start <= local < end:
            return local
        if start > local:
            return start
    return None
