"""Spool files: what must not be lost while Redis cannot be reached, on local disk.

One JSON record per line, appended whole and fsynced, under an exclusive file lock (flock)
shared by every process on the machine (the webhook's workers, the action server, the
notifier). A crash can tear at most the line being written: a later append starts on a new
line, and a reader moves lines that are not JSON records to `<name>.quarantine` (logged with
their count, never their content) instead of stopping on them.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def append(path: Path, record: dict) -> None:
    """Appends one record durably (written whole, fsynced, mode 0600). Raises OSError."""
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    with _locked(path):
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                os.write(fd, b"\n")  # the previous writer was cut off: its torn line stays alone
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def drain(path: Path, handle: Callable[[dict], None],
          transient: tuple[type[BaseException], ...] = (OSError,)) -> int:
    """Hands each record, oldest first, to `handle` and removes the ones handled. Lines that
    are not JSON objects, and records `handle` rejects with anything but a `transient` error
    (a JSON object that is not a case), go to the quarantine file: one bad line never holds
    up the records behind it. When `handle` raises a transient error (Redis went away), the
    records not yet handled stay for the next drain and the error propagates. Returns how
    many were handled."""
    with _locked(path):
        if not path.exists():
            return 0
        handled, kept, bad = 0, [], []
        failure: BaseException | None = None
        for raw in path.read_bytes().split(b"\n"):
            if not raw.strip():
                continue
            if failure is not None:
                kept.append(raw)
                continue
            try:
                record = json.loads(raw)
                if not isinstance(record, dict):
                    raise ValueError("not a record")
            except ValueError:  # includes UnicodeDecodeError
                bad.append(raw)
                continue
            try:
                handle(record)
                handled += 1
            except transient as error:  # re-raised below, once the file is consistent
                failure = error
                kept.append(raw)
            except Exception as error:  # noqa: BLE001 - a record nothing can handle: set aside, logged
                log.error("a spooled record in %s was refused (%s)", path.name, type(error).__name__)
                bad.append(raw)
        if bad:
            _quarantine(path, bad)
        if kept:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(b"\n".join(kept) + b"\n")
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        else:
            path.unlink()
    if failure is not None:
        raise failure
    return handled


def remove(path: Path, sender: str) -> int:
    """Deletes every line that mentions this pseudonymous sender, in the spool file and its
    quarantine (a torn line is still someone's). Returns how many lines went. Raises OSError."""
    needle = sender.encode()
    removed = 0
    with _locked(path):
        for target in (path, path.with_name(path.name + ".quarantine")):
            if not target.exists():
                continue
            lines = [line for line in target.read_bytes().split(b"\n") if line.strip()]
            kept = [line for line in lines if needle not in line]
            removed += len(lines) - len(kept)
            if len(kept) != len(lines):
                tmp = target.with_name(target.name + ".tmp")
                tmp.write_bytes(b"".join(line + b"\n" for line in kept))
                os.chmod(tmp, 0o600)
                os.replace(tmp, target)
    return removed


def _quarantine(path: Path, lines: list[bytes]) -> None:
    target = path.with_name(path.name + ".quarantine")
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"\n".join(lines) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    log.error("%d unreadable line(s) in %s moved to %s for an operator", len(lines), path.name, target.name)


def start_flusher(flushes: list[Callable[[], int]], ready: Callable[[], bool], interval: float = 2.0) -> threading.Thread:
    """A daemon thread calling each of `flushes` every `interval` seconds while `ready()` (Redis
    answers): spooled records move into Redis as soon as it is back, without waiting for the
    next escalation. Every process that may spool starts one; the file lock makes them take turns."""

    def run() -> None:
        while True:
            time.sleep(interval)
            if not ready():
                continue
            for flush in flushes:
                try:
                    flush()
                except Exception as error:  # noqa: BLE001 - tried again in `interval` seconds
                    log.warning("spool not flushed yet (%s)", type(error).__name__)

    thread = threading.Thread(target=run, name="spool-flusher", daemon=True)
    thread.start()
    return thread
