"""Which directory is in use, swapping in a new one, and reading it once per version.

The import writes a temporary file beside the active one and renames it over it: the
action server, reading between turns, sees either the whole old directory or the whole
new one, never half a file.
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from bot.clinics.directory import Problem, read_file
from bot.settings import ROOT, get_settings

log = logging.getLogger(__name__)
SAMPLE = ROOT / "data" / "clinics" / "sample.csv"


def active_path() -> Path:
    configured = os.environ.get("PUENTE_CLINICS_FILE", "").strip()
    return Path(configured) if configured else get_settings().var_dir / "clinics.csv"


def path_in_use() -> Path:
    """The imported directory, or the sample until an organisation imports its own."""
    path = active_path()
    return path if path.exists() else SAMPLE


def import_file(source: Path) -> tuple[int, list[Problem]]:
    """Checks `source`; when nothing is wrong, makes it the active directory. Returns (clinics, problems)."""
    clinics, problems = read_file(source)
    if problems:
        return 0, problems
    target = active_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = Path(source).read_bytes()
    fd, tmp = tempfile.mkstemp(prefix=".clinics-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(clinics), []


def current():
    """The directory in use with its search index, re-read only when the file changed."""
    path = path_in_use()
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)


@lru_cache(maxsize=2)
def _load(path: str, mtime: int, size: int, inode: int):
    from bot.clinics.search import Directory

    clinics, problems = read_file(Path(path))
    if problems:
        # Only a hand edit of the active file gets here (imports are checked): serve the good rows.
        log.error("clinic directory %s has %d bad rows; first: %s", path, len(problems), problems[0])
    return Directory(clinics)
