"""The volunteer roster on a real Redis: numbers sealed, passwords hashed, languages, duty hours."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.handoff import volunteers
from bot.settings import get_settings
from bot.store.secrets_box import unseal


@pytest.fixture
def roster(redis_client):
    people = {
        "ana": volunteers.add("Ana Test", "+1-555-0111", ["en", "es"]),
        "boon": volunteers.add("Boon Test", "+1 555 0112", "th,hmn"),
        "dolores": volunteers.add("Dolores Test", "+15550114", ["es"], on_call=False),
        "coord": volunteers.add("Coordinator Test", "+15550119", ["en"], on_call=False, role="coordinator"),
    }
    yield people
    for person in volunteers.list_all():
        volunteers.remove(person["id"])


def test_password_is_kept_only_as_an_argon2id_hash(redis_client):
    added = volunteers.add("Pat Test", "+15550117", ["so"], role="admin", password="correct horse battery")
    stored = redis_client.hgetall(f"puente:volunteer:{added['id']}")
    assert stored["password_hash"].startswith("$argon2id$")
    assert not any("correct horse" in value for value in stored.values())
    assert volunteers.verify_password(volunteers.find_by_name("pat test"), "correct horse battery")
    assert not volunteers.verify_password(added, "wrong")
    assert not volunteers.verify_password(None, "anything")
    updated = volunteers.update(added["id"], password="a new one, longer")
    assert updated["password_hash"] != stored["password_hash"]
    assert volunteers.verify_password(updated, "a new one, longer")
    assert not volunteers.verify_password(updated, "correct horse battery")
    assert not volunteers.verify_password(volunteers.add("Nopass Test", "+15550118", ["en"]), "")


def test_phone_is_sealed_in_redis_and_shown_masked(roster, redis_client):
    stored = redis_client.hgetall(f"puente:volunteer:{roster['ana']['id']}")
    assert "5550111" not in " ".join(stored.values())
    assert unseal(stored["phone"]) == "+15550111" == volunteers.phone_of(roster["ana"])
    assert stored["phone_masked"] == roster["ana"]["phone_masked"] == "+1-***-**11"
    assert volunteers.mask_phone("+66812345623") == "+66-***-**23"
    assert "phone" not in volunteers.public(roster["ana"]) and "password_hash" not in volunteers.public(roster["ana"])
    volunteers.update(roster["ana"]["id"], phone="+1-555-0199")
    assert volunteers.phone_of(volunteers.get(roster["ana"]["id"])) == "+15550199"
    assert redis_client.smembers("puente:volunteers") == {v["id"] for v in roster.values()}


def test_on_call_for_a_language_and_the_coordinator(roster):
    assert [v["name"] for v in volunteers.on_call_for("es")] == ["Ana Test"]
    assert [v["name"] for v in volunteers.on_call_for("hmn")] == ["Boon Test"]
    assert volunteers.on_call_for("so") == []
    assert {v["name"] for v in volunteers.on_call_all()} == {"Ana Test", "Boon Test"}
    assert volunteers.coordinator()["name"] == "Coordinator Test"
    volunteers.update(roster["dolores"]["id"], on_call="1")
    assert [v["name"] for v in volunteers.on_call_for("es")] == ["Ana Test", "Dolores Test"]
    assert volunteers.remove(roster["ana"]["id"]) and volunteers.get(roster["ana"]["id"]) is None
    assert volunteers.find_by_name("ana test") is None


def test_bad_values_are_refused(roster):
    with pytest.raises(ValueError):
        volunteers.add("Zed", "+15550120", ["xx"])
    with pytest.raises(ValueError):
        volunteers.add("Zed", "call me", ["en"])
    with pytest.raises(ValueError):
        volunteers.add("ana test", "+15550121", ["en"])  # names sign in: they are unique
    with pytest.raises(ValueError):
        volunteers.add("Zed", "+15550120", ["en"], role="boss")


def test_seed_from_config_imports_the_samples_once(redis_client):
    assert volunteers.seed_from_config() == 4
    people = volunteers.list_all()
    assert {v["phone_masked"] for v in people} == {"+1-***-**01", "+1-***-**02", "+1-***-**03", "+1-***-**09"}
    assert volunteers.coordinator()["name"] == "Sample coordinator"
    assert not any(v["password_hash"] for v in people)
    for person in people:
        volunteers.remove(person["id"])
    assert volunteers.seed_from_config() == 0  # emptied on purpose: the samples stay gone


@pytest.fixture
def hours(monkeypatch):
    def _set(**values):
        monkeypatch.setitem(get_settings().org["hotline"], "hours", values)
    return _set


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_duty_hours_in_the_hotlines_time_zone(hours):
    hours(days=["mon", "tue", "wed", "thu", "fri"], open="09:00", close="17:00", timezone="America/Chicago")
    assert volunteers.on_duty_now(utc(2024, 1, 8, 15, 0))       # Monday 09:00 in Chicago
    assert not volunteers.on_duty_now(utc(2024, 1, 8, 14, 59))  # 08:59
    assert not volunteers.on_duty_now(utc(2024, 1, 8, 23, 0))   # 17:00: closed
    assert not volunteers.on_duty_now(utc(2024, 1, 13, 18, 0))  # Saturday
    friday_evening = utc(2024, 1, 12, 23, 30)
    assert volunteers.next_duty_start(friday_evening) == datetime(2024, 1, 15, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
    # Across the change to daylight saving time (10 March 2024): Monday 09:00 is 14:00 UTC, not 15:00.
    assert volunteers.next_duty_start(utc(2024, 3, 9, 12, 0)) == utc(2024, 3, 11, 14, 0)
    on = utc(2024, 1, 9, 16, 0)
    assert volunteers.next_duty_start(on) == on


def test_a_shift_across_midnight(hours):
    hours(days=["fri", "sat"], open="22:00", close="06:00", timezone="Asia/Bangkok")
    assert volunteers.on_duty_now(utc(2024, 1, 12, 15, 0))      # Friday 22:00 in Bangkok
    assert volunteers.on_duty_now(utc(2024, 1, 12, 20, 0))      # Saturday 03:00: Friday's shift
    assert volunteers.on_duty_now(utc(2024, 1, 13, 20, 0))      # Sunday 03:00: Saturday's shift
    assert not volunteers.on_duty_now(utc(2024, 1, 13, 23, 0))  # Sunday 06:00
    assert not volunteers.on_duty_now(utc(2024, 1, 14, 20, 0))  # Monday 03:00: no Sunday shift
    assert volunteers.next_duty_start(utc(2024, 1, 14, 5, 0)) == datetime(2024, 1, 19, 22, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


@pytest.mark.parametrize("weak", ["1", "short pass", "password1234", "123456789012", "aaaaaaaaaaaaaaa", "Contraseña123"])
def test_weak_passwords_are_refused_in_words(redis_client, weak):
    with pytest.raises(ValueError):
        volunteers.add("Weak Test", "+15550116", ["en"], password=weak)
    assert volunteers.find_by_name("weak test") is None


@pytest.mark.parametrize("typed", ["ana  lópez", "Ana López\t", "ANA\u00a0LÓPEZ", " ana lópez ", "Ａｎａ López"])
def test_a_name_is_one_name_however_it_is_spaced_cased_or_encoded(redis_client, typed):
    added = volunteers.add("Ana López", "+15550116", ["es"])
    assert volunteers.find_by_name(typed)["id"] == added["id"]
    assert volunteers.canonical_name(typed) == volunteers.canonical_name("Ana López")


def test_unknown_names_take_as_long_to_refuse_as_real_ones(redis_client):
    import time

    real = volunteers.add("Timing Test", "+15550116", ["en"], password="a long enough passphrase")

    def seconds(volunteer):
        started = time.perf_counter()
        for _ in range(5):
            volunteers.verify_password(volunteer, "wrong guess here")
        return time.perf_counter() - started

    seconds(None)  # the dummy hash is made once
    known, unknown = seconds(real), seconds(None)
    assert 0.5 < unknown / known < 2.0


def test_a_reviewer_is_never_on_call_even_when_marked_so(redis_client):
    from bot.handoff import volunteers

    reviewer = volunteers.add("Rev Iewer", "+1-555-0177", ["es"], on_call=True, role="reviewer")
    try:
        assert reviewer["id"] not in {v["id"] for v in volunteers.on_call_all()}
        assert reviewer["id"] not in {v["id"] for v in volunteers.on_call_for("es")}
    finally:
        volunteers.remove(reviewer["id"])
