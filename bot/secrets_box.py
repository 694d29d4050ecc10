"""Encryption at rest for the few values that must stay usable, such as the number to call
a person back. Fernet (the `cryptography` package): authenticated, with a key from
PUENTE_ENCRYPTION_KEY, or for a local run a key generated into var/."""
from __future__ import annotations

import os
from functools import lru_cache

from cryptography.fernet import Fernet

from bot.settings import get_settings


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    key = os.environ.get("PUENTE_ENCRYPTION_KEY", "").strip()
    if not key:
        path = get_settings().var_dir / "encryption.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        key = path.read_text().strip()
    return Fernet(key.encode())


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
