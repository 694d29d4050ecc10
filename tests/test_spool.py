"""Spool files a crash cannot poison: torn lines are set aside, every good record moves once."""
from __future__ import annotations

import json
import os

import pytest

from bot.handoff import spool


def test_a_torn_line_is_quarantined_and_the_records_around_it_still_move(tmp_path):
    path = tmp_path / "escalations.jsonl"
    spool.append(path, {"id": "a"})
    with path.open("ab") as f:
        f.write(b'{"id": "torn", "sender": "p_')  # a crash in the middle of a write: no newline
    spool.append(path, {"id": "b"})  # starts on a line of its own
    moved = []
    assert spool.drain(path, lambda record: moved.append(record["id"])) == 2
    assert moved == ["a", "b"] and not path.exists()
    assert (tmp_path / "escalations.jsonl.quarantine").read_bytes() == b'{"id": "torn", "sender": "p_\n'


@pytest.mark.parametrize("garbage", [b"\x00\x00\x00", b"[1, 2]", b"\xff\xfe not utf-8", b"null", b"{bad json"])
def test_lines_that_are_not_records_never_stop_the_drain(tmp_path, garbage):
    path = tmp_path / "inbox.jsonl"
    path.write_bytes(garbage + b"\n")
    spool.append(path, {"id": "after"})
    moved = []
    assert spool.drain(path, lambda record: moved.append(record["id"])) == 1 and moved == ["after"]


def test_a_failing_handler_keeps_what_was_not_handled_for_the_next_drain(tmp_path):
    path = tmp_path / "escalations.jsonl"
    for i in range(3):
        spool.append(path, {"id": str(i)})
    moved = []

    def flaky(record):
        if record["id"] == "1" and not moved.count("retry"):
            moved.append("retry")
            raise ConnectionError("redis went away")
        moved.append(record["id"])

    with pytest.raises(ConnectionError):
        spool.drain(path, flaky)
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["1", "2"]
    assert spool.drain(path, flaky) == 2
    assert [m for m in moved if m != "retry"] == ["0", "1", "2"]  # each exactly once
    assert not path.exists()


def test_spool_files_are_private(tmp_path):
    path = tmp_path / "escalations.jsonl"
    spool.append(path, {"id": "x"})
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("record", [{"garbage": True}, {}, {"id": "x"}])
def test_a_json_object_that_is_not_a_case_is_set_aside_not_blocking(private_var, redis_client, record):
    from bot.handoff import escalations

    path = private_var / "spool" / "escalations.jsonl"
    spool.append(path, record)
    case = escalations.new_case("p_behind", "urgent", "emergency_abuse", "es", "sms", "US", "me pegan")
    spool.append(path, case)
    assert escalations.flush_spool() == 1
    assert [c["id"] for c in escalations.open_cases() if c["sender"] == "p_behind"] == [case["id"]]
    assert json.loads((private_var / "spool" / "escalations.jsonl.quarantine").read_text()) == record
