"""Keyed pseudonyms for the published rows that must point at a record (a KPI exclusion, a
rejected row): HMAC-SHA256 of the record's id under a random key, so an analyst can follow one
record across tables and builds, and nobody without the key can get from the pseudonym back to
the id (ids are short and guessable: an unkeyed hash of "1000234" is reversed by trying them all).

The key is 32 random bytes, created on first use in an owner-only file beside the working
warehouse (`<warehouse name>.pseudonym-key`, which `make clean` leaves alone) and never published.
Deleting it makes every pseudonym change at the next build; the working warehouse keeps the real
values either way.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from orchestration.permissions import OWNER_ONLY_FILE

KEY_BYTES = 32
# 16 hex digits (64 bits): no collision among a service's few million records in practice, short
# enough to read out over the phone.
PSEUDONYM_HEX_DIGITS = 16


class PseudonymKeyError(Exception):
    pass


def key_path(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}.pseudonym-key")


def load_or_create_key(warehouse: Path) -> bytes:
    path = key_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes can never both create (and then disagree on) the key.
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
    except FileExistsError:
        pass
    else:
        with os.fdopen(handle, "w") as key_file:
            key_file.write(secrets.token_hex(KEY_BYTES) + "\n")
    os.chmod(path, OWNER_ONLY_FILE)
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise PseudonymKeyError(
            f"{path} is not a pseudonym key ({KEY_BYTES} bytes as hex): restore it from backup, "
            "or delete it to start new pseudonyms"
        )
    return key


def pseudonym(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_DIGITS]


def register_pseudonym_function(con, key: bytes) -> None:
    """`pseudonym(varchar) -> varchar` in a DuckDB connection (null stays null)."""
    con.create_function("pseudonym", lambda value: pseudonym(key, value), ["VARCHAR"], "VARCHAR")
