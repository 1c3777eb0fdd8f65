"""Commentary from operational staff: one YAML file per month, `<YYYY-MM>.yaml`, mapping a page id
(the KPI id: kpi_01 ... kpi_15, cbp_fte, cbp_a1, contacts; or headline_rates, summary,
practice_evaluation) to its text:

    kpi_01: |
      First paragraph.

      Second paragraph.
      - a bullet

An unknown id, a duplicated id, an empty or non-text entry or broken YAML stops the pack with the
file and line; a page without commentary shows a visible placeholder. Commentary is free text, so
it is also checked for child-level identifiers (tokens that match an id in the source extracts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from orchestration.report_pack.errors import ReportPackError

# Tokens worth checking against the extracts' identifiers: at least 5 characters with a digit
# among them (ids are numbers or codes such as R0104512; words and years are not).
_ID_LIKE = re.compile(r"(?<![\w.])(?=[\w-]*\d)[\w-]{5,}(?![\w])")


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
        texts[key] = text
        lines[key] = line
    return texts, lines


def check_no_identifiers(
    commentary: Commentary, find_identifiers: Callable[[set[str]], set[str]]
) -> None:
    """Stop if any commentary token is an identifier from the source extracts (a person,
    referral or other record id): published files carry no child-level identifiers."""
    for page_id, text in commentary.texts.items():
        tokens = {match.group(0) for match in _ID_LIKE.finditer(text)}
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
