"""Where the pack looks for things, read from the environment when a pack is built (never at
import time). Relative paths resolve against the repository root, as every other setting does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from orchestration.settings import REPO_ROOT, Settings

# The sample commentary shipped with the repository (synthetic wording), used on demo data only.
REPO_COMMENTARY_DIR = REPO_ROOT / "commentary"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def commentary_dirs(settings: Settings) -> list[Path]:
    """Folders searched, in order, for `<YYYY-MM>.yaml`: CSC_COMMENTARY_DIR alone when set;
    otherwise `commentary/` beside the extracts, then (demo data only) the repository's sample."""
    configured = os.environ.get("CSC_COMMENTARY_DIR")
    if configured:
        return [_resolve(configured)]
    folders = [settings.source_dir / "commentary"]
    if settings.demo:
        folders.append(REPO_COMMENTARY_DIR)
    return folders


def find_chromium() -> str | None:
    """CSC_CHROMIUM if set, else the first Chromium or Chrome on PATH."""
    configured = os.environ.get("CSC_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None
