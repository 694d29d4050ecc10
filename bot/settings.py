"""All configuration, read once from the environment, with safe defaults.

The organisation's own facts (numbers, hours, countries) live in a YAML file named by
PUENTE_ORG_CONFIG so that operators change them without touching code.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ("US", "MX", "TH", "MY")


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def local_secret(env_var: str, filename: str, make=lambda: secrets.token_hex(32),
                 var_dir: Path | None = None) -> str:
    """A secret from the environment (production), or else one made once and kept in var/
    (mode 600), so a local run works and stays stable across restarts without anybody
    committing a secret."""
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    var_dir = var_dir or get_settings().var_dir
    path = var_dir / filename
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def rasa_token() -> str:
    """The token Rasa's HTTP API requires (`rasa run --auth-token`): RASA_AUTH_TOKEN, or one
    kept in var/ for a local run (bin/services starts Rasa with the same)."""
    return local_secret("RASA_AUTH_TOKEN", "rasa-api.token")


@dataclass(frozen=True)
class Settings:
    country: str
    redis_url: str
    tracker_db: int
    org: dict
    var_dir: Path
    locale_dir: Path
    data_dir: Path
    data_ttl_days: int
    nlu_threshold: float
    rasa_url: str
    pseudonym_key: bytes = field(repr=False)

    @property
    def data_ttl_seconds(self) -> int:
        return self.data_ttl_days * 86400

    def country_config(self, country: str) -> dict:
        return self.org.get("countries", {}).get(country, {})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    var_dir = Path(_env("PUENTE_VAR_DIR", str(ROOT / "var")))
    org_path = Path(_env("PUENTE_ORG_CONFIG", str(ROOT / "config" / "organisation.yml")))
    org = yaml.safe_load(org_path.read_text(encoding="utf-8"))
    country = _env("PUENTE_COUNTRY", "US").upper()
    if country not in COUNTRIES:
        raise ValueError(f"PUENTE_COUNTRY must be one of {COUNTRIES}, not {country!r}")
    return Settings(
        country=country,
        redis_url=_env("REDIS_URL", "redis://localhost:6379/0"),
        tracker_db=int(_env("REDIS_TRACKER_DB", "1")),
        org=org,
        var_dir=var_dir,
        locale_dir=Path(_env("PUENTE_LOCALE_DIR", str(ROOT / "locale"))),
        data_dir=Path(_env("PUENTE_DATA_DIR", str(ROOT / "data"))),
        data_ttl_days=int(_env("PUENTE_DATA_TTL_DAYS", "90")),
        nlu_threshold=float(_env("PUENTE_NLU_THRESHOLD", "0.3")),
        rasa_url=_env("RASA_URL", "http://localhost:5005"),
        pseudonym_key=local_secret("PUENTE_PSEUDONYM_KEY", "pseudonym.key", var_dir=var_dir).encode(),
    )
