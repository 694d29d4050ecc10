"""Training the Rasa model only when something that shapes it has changed."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from bot.settings import ROOT

# Everything a trained model depends on. The held-out sets (tests/heldout) are not here:
# they must never reach training.
INPUTS = ["config.yml", "domain.yml", "data/nlu", "data/rules.yml", "data/stories.yml", "data/urgent", "data/cues", "data/langid", "bot/understanding", "bot/text.py"]


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    return root / "models" / f"puente-{fingerprint(root)}.tar.gz"


def train_if_needed(root: Path = ROOT, force: bool = False) -> Path:
    target = model_path(root)
    if target.exists() and not force:
        print(f"model up to date: {target.relative_to(root)}")
        return target
    rasa = Path(sys.executable).with_name("rasa")
    # --force: Rasa's own cache keys on component configs, not on the code of our custom
    # components; this module's fingerprint already decided that training is needed.
    subprocess.run([str(rasa), "train", "--force", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
                    "--out", str(target.parent)], cwd=root, check=True)
    return target
