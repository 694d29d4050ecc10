"""Encryption at rest for the few values that must stay usable, such as the number to call
a person back. Fernet (the `cryptography` package): authenticated, with a key from
PUENTE_ENCRYPTION_KEY, or for a local run a key generated into var/."""
from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet

from bot.settings import local_secret


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    key = local_secret("PUENTE_ENCRYPTION_KEY", "encryption.key", make=lambda: Fernet.generate_key().decode())
    return Fernet(key.encode())


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
