"""Who may read what the build writes: owner-only for everything child-level or derived from it
(the working warehouse, the analyst database, Dagster's run storage, the restricted folder, the
pseudonym key), whatever the umask of the shell or service that started the build; the exports
(aggregates) get the mode CSC_EXPORT_MODE names (default 640: the owner and their group).

A process that writes these files first sets its umask to 077 (`owner_only_umask`), so a file is
never readable by others even for the moment between its creation and a chmod; the files that
matter most are also chmod-ed explicitly, since a umask is only as good as the process that set
it.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_UMASK = 0o077


def owner_only_umask() -> int:
    """Set the process umask to 077; returns the previous one."""
    return os.umask(OWNER_ONLY_UMASK)


def private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, OWNER_ONLY_DIR)


def make_private(*paths: Path) -> None:
    """chmod 600 each path that exists (a DuckDB file, its .wal, a lock file)."""
    for path in paths:
        try:
            os.chmod(path, OWNER_ONLY_FILE)
        except FileNotFoundError:
            pass


def dir_mode_for(file_mode: int) -> int:
    """The folder mode that goes with a file mode: searchable by whoever may read (640 -> 750)."""
    return file_mode | ((file_mode & 0o444) >> 2)


def apply_mode(folder: Path, file_mode: int) -> None:
    """Give `folder`, every folder in it and every file in it the modes of the export setting."""
    dir_mode = dir_mode_for(file_mode)
    os.chmod(folder, dir_mode)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(Path(root) / name, dir_mode)
        for name in files:
            os.chmod(Path(root) / name, file_mode)
