"""Reading a source folder's statutory returns: recognise every file by its content, map each
return, combine the years.

The CSV tables of one SSDA903 return are read together: those in one folder are one return (its
year read from its episodes table). Several years of CSV tables therefore go in one folder per
year (CSC_SOURCE_DIR/2017-18/, CSC_SOURCE_DIR/2018-19/, ...); a folder holding two episodes
tables is refused, naming both. XML returns and Annex A workbooks are one return per file.
SSD extracts are recognised and listed, not read here: the ingest loads them.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.returns.annex_a import read_annex_a
from orchestration.returns.cin_census import read_cin_census
from orchestration.returns.combine import Combined, combine
from orchestration.returns.csww import read_csww
from orchestration.returns.recognise import (
    ANNEX_A,
    CIN_CENSUS_XML,
    CSWW_XML,
    SSDA903_TABLE,
    SSDA903_XML,
    Recognition,
    recognise,
)
from orchestration.returns.results import FileAccount, MappedReturn
from orchestration.returns.ssda903_read import read_ssda903_tables, read_ssda903_xml

_READERS = {
    SSDA903_XML: read_ssda903_xml,
    CIN_CENSUS_XML: read_cin_census,
    CSWW_XML: read_csww,
    ANNEX_A: read_annex_a,
}


@dataclass
class FolderResult:
    # Every file found, by its name in the folder, with what it was recognised as.
    recognised: dict[str, Recognition] = field(default_factory=dict)
    returns: list[MappedReturn] = field(default_factory=list)
    combined: Combined = field(default_factory=Combined)

    @property
    def accounts(self) -> list[FileAccount]:
        return [a for r in self.returns for a in r.files]

    def summary_lines(self) -> list[str]:
        """One line per file: what it was recognised as, and its rows or why it was ignored."""
        accounts = {a.file: a for a in self.accounts}
        lines = []
        for name, recognition in sorted(self.recognised.items()):
            if name in accounts:
                lines.append(accounts[name].summary())
            elif recognition.kind is None:
                lines.append(f"{name}: ignored: {recognition.reason}")
            else:
                lines.append(f"{name}: {recognition.describe()}: loaded by the extract ingest")
        return lines


def read_folder(folder: Path) -> FolderResult:
    result = FolderResult()
    tables_by_folder: dict[Path, list[Path]] = defaultdict(list)
    names: dict[Path, str] = {}
    for path in _files(folder):
        name = path.relative_to(folder).as_posix()
        names[path] = name
        recognition = recognise(path)
        result.recognised[name] = recognition
        if recognition.kind == SSDA903_TABLE:
            tables_by_folder[path.parent].append(path)
        elif recognition.kind in _READERS:
            result.returns.append(_READERS[recognition.kind](path, name))
    for paths in tables_by_folder.values():
        result.returns.append(_read_tables(paths, names))
    result.combined = combine(result.returns)
    return result


def _files(folder: Path) -> list[Path]:
    """Every file under `folder`; a link (to a file or a folder) is listed, never followed."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        base = Path(top)
        found += [base / f for f in files]
        found += [base / d for d in dirs if (base / d).is_symlink()]
    return sorted(found)


def _read_tables(paths: list[Path], names: dict[Path, str]) -> MappedReturn:
    episodes = [p for p in paths if recognise(p).what == "episodes"]
    if len(episodes) > 1:
        listed = ", ".join(names[p] for p in episodes)
        accounts = [
            FileAccount(
                names[p],
                SSDA903_TABLE,
                error=f"one folder holds two SSDA903 episodes "
                f"tables ({listed}): put each year's return in a folder of its own",
            )
            for p in paths
        ]
        return MappedReturn("ssda903", None, accounts)
    return read_ssda903_tables(paths, names)
