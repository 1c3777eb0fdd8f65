"""Commentary from operational staff: one YAML file per month, `<YYYY-MM>.yaml`, mapping a page id
(the KPI id: kpi_01 ... kpi_15, cbp_fte, cbp_a1, contacts; or headline_rates, summary,
practice_evaluation) to its text:

    kpi_01: |
      First paragraph.

      Second paragraph.
      - a bullet

An unknown id, a duplicated id, an empty or non-text entry or broken YAML stops the pack with the
file and line, and so does a control character (a bell, a NUL: no page can show one); a page
without commentary shows a visible placeholder. Commentary is free text, so it is also checked for
child-level identifiers (tokens that match an id in the source extracts, wherever they stand:
"case no.1000234" and "child_1000234" hold the id 1000234).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from orchestration.report_pack.errors import ReportPackError

# Candidate identifiers are runs of letters and digits and the runs joined by '-', '_', '.' or
# '/' (an id may be "CP-0012" or "R0104512"; "no.1000234" and "child_1000234" hold one). Worth
# checking against the extracts' identifiers: at least 5 characters with a digit among them
# (words, years and counts are not ids).
_WORDS = re.compile(r"[^\W_]+(?:[-_./][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_ALLOWED_CONTROLS = {"\n", "\t", "\r"}


def candidate_identifiers(text: str) -> set[str]:
    """Every substring of `text` that could be an identifier on its own: each run of letters and
    digits, and each stretch of consecutive runs joined by - _ . or /."""
    found: set[str] = set()
    for word in _WORDS.finditer(text):
        parts = list(_PART.finditer(word.group(0)))
        for i, first in enumerate(parts):
            for last in parts[i:]:
                token = word.group(0)[first.start() : last.end()]
                if len(token) >= 5 and any(c.isdigit() for c in token):
                    found.add(token)
    return found


def _control_character(text: str) -> tuple[int, int, str] | None:
    """(line offset, column, character) of the first control character in `text`."""
    for line_offset, line in enumerate(text.split("\n")):
        for column, char in enumerate(line, start=1):
            if unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
                return line_offset, column, char
    return None


def _describe(char: str) -> str:
    from orchestration.ingest.parse import describe_character

    return describe_character(char)


@dataclass
class Commentary:
    month: str
    path: Path | None
    searched: list[Path]
    texts: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def text(self, page_id: str) -> str | None:
        return self.texts.get(page_id)

    def where(self) -> str:
        """Where the commentary for this month is (or would be) read from, for placeholders."""
        if self.path:
            return str(self.path)
        return " or ".join(str(folder / f"{self.month}.yaml") for folder in self.searched)


def find_commentary_file(month: str, folders: Iterable[Path]) -> Path | None:
    for folder in folders:
        candidate = folder / f"{month}.yaml"
        if candidate.is_file():
            return candidate
    return None


def load_commentary(month: str, folders: list[Path], known_ids: Iterable[str]) -> Commentary:
    path = find_commentary_file(month, folders)
    commentary = Commentary(month=month, path=path, searched=list(folders))
    if path is None:
        return commentary
    commentary.texts, commentary.lines = parse_commentary(path, set(known_ids))
    return commentary


def parse_commentary(path: Path, known_ids: set[str]) -> tuple[dict[str, str], dict[str, int]]:
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportPackError(f"{path}: not UTF-8 text ({exc.reason})") from None
    found = _control_character(source)
    if found:
        line, column, char = found
        raise ReportPackError(
            f"{path}, line {line + 1}, column {column}: the control character "
            f"{_describe(char)} cannot be shown in the pack; remove it"
        )
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise ReportPackError(f"{path}{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ReportPackError(f"{path}: not valid YAML: {exc}") from None
    if root is None:
        return {}, {}
    if not isinstance(root, yaml.MappingNode):
        raise ReportPackError(
            f"{path}, line {root.start_mark.line + 1}: expected one entry per KPI id "
            "(kpi_01: text), found a list or a single value"
        )
    texts: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise ReportPackError(f"{path}, line {line}: a KPI id must be a plain name")
        key = key_node.value.strip()
        if key not in known_ids:
            raise ReportPackError(
                f"{path}, line {line}: unknown KPI id {key!r}; known ids: "
                + ", ".join(sorted(known_ids))
            )
        if key in texts:
            raise ReportPackError(
                f"{path}, line {line}: {key} appears twice (first at line {lines[key]})"
            )
        if not isinstance(value_node, yaml.ScalarNode) or value_node.tag.endswith(":null"):
            raise ReportPackError(
                f"{path}, line {value_node.start_mark.line + 1}: the commentary for {key} must "
                "be text (use `|` for several paragraphs)"
            )
        text = value_node.value.strip()
        if not text:
            raise ReportPackError(f"{path}, line {line}: the commentary for {key} is empty")
        found = _control_character(text)
        if found:  # written as a YAML escape ("\a", "\0") rather than the character itself
            raise ReportPackError(
                f"{path}, line {value_node.start_mark.line + 1}: the commentary for {key} holds "
                f"the control character {_describe(found[2])}, which cannot be shown in the "
                "pack; remove it"
            )
        texts[key] = text
        lines[key] = line
    return texts, lines


def check_no_identifiers(
    commentary: Commentary, find_identifiers: Callable[[set[str]], set[str]]
) -> None:
    """Stop if any commentary token is an identifier from the source extracts (a person,
    referral or other record id): published files carry no child-level identifiers."""
    for page_id, text in commentary.texts.items():
        tokens = candidate_identifiers(text)
        if not tokens:
            continue
        found = find_identifiers(tokens)
        if found:
            raise ReportPackError(
                f"{commentary.path}, line {commentary.lines[page_id]}: the commentary for "
                f"{page_id} contains {', '.join(sorted(found))}, an identifier from the source "
                "extracts; published files must not identify a child or a record"
            )


def paragraphs(text: str) -> list[tuple[str, list[str]]]:
    """Blocks of a commentary text: ('p', [line]) for a paragraph, ('ul', [items]) for a run of
    '- ' bullets."""
    blocks: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines and all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append(("ul", [line[2:].strip() for line in lines]))
        elif lines:
            blocks.append(("p", [" ".join(lines)]))
    return blocks
