"""The database's reading of extracts held to the reference reading, value for value.

Ingest parses cells in SQL (`orchestration/ingest/rules.py`) and reads most CSV files with pyarrow
(`stage.py`); `parse.py` and the Python csv reader in `readers.py` are the contract's statement of
the rules. These tests generate thousands of cells and CSV files, many of them malformed, and
require the two readings to agree exactly: the same typed value or the same rejection reason,
the same records with the same row numbers, or the fast reader stepping aside for the exact one.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest

from orchestration import extracts as x
from orchestration.ingest import rules
from orchestration.ingest.parse import CellError, parse_cell
from orchestration.ingest.readers import read_extract_file
from orchestration.ingest.stage import normalise_header, stage_file

PIECES = {
    x.ID: ["12", "12.0", "0012.00", "P1", " P2 ", "C\x001", "a\tb", "١٢", "12.", ".0", "1e3",
           "X\u200b1", "12.00a", "007"],
    x.CODE: ["N1", "n1", " N9 ", "N10", "\u212a1", "k1", "K1", "Ｋ1", "RC1", "rc8", "x"],
    x.DATE: ["2020-01-01", "2020-1-1", "31/02/2019", "29/02/2020", "05/06/18", "5/6/218",
             "2020-13-01", "0000-01-01", "2019-02-29", "2020-01-01 10:30", "2020-01-01T10:30:15",
             "2020-01-01 24:00", "2020-01-01 10:60", "2020-01-01 10:00:61", "01/02/2020 9:05",
             "01/02/2020\t09:05:07", "2020-01-01 10:00:00.123", "2020/01/01", "last week",
             "٢٠٢٠-٠١-٠١", "2020-01-01\n", "01/02/2020  10:00", "9999-12-31 23:59:59",
             "2020-01-00", "00/01/2020", "1/1/2020 1:1"],
    x.FLAG: ["Y", "n", "YES", "no", "1", "0", "true", "False", "maybe", "yy", "ｙ", "1.0"],
    x.NUMBER: ["1", "1.5", "-0.1", "+2", ".5", "5.", "1e3", "1E-2", "1_000", "1__0", "_1", "1_",
               "inf", "-Infinity", "nan", "1e400", "0x10", "1,5", "", "١.٥", "1.5e", "e5",
               "1_0.0_1", "1._5", "00012"],
    x.INTEGER: ["18", "18.0", "17.5", "99999999999999999999", "9223372036854775807",
                "-9223372036854775808", "9223372036854774784", "1e3", "abc", "+21", "0.0"],
}  # fmt: skip
PADDING = ["", " ", "\t", "\u00a0", "\u3000", "\n"]


def _column(kind: str, required: bool) -> x.Column:
    codes = x.PRIMARY_NEED + x.CLOSE_REASON + ("K1",) if kind == x.CODE else None
    return x.Column("c", kind, required, codes)


def _cells(kind: str, count: int, rng: random.Random) -> list[str | None]:
    pieces = PIECES[kind]
    cells = [None, "", "   "] + [p + q for p in PADDING[:3] for q in pieces]
    while len(cells) < count:
        text = rng.choice(PADDING) + rng.choice(pieces) + rng.choice(PADDING)
        if rng.random() < 0.2:  # a character replaced, dropped or doubled
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(["", "0", "9", "-", ".", ":", " ", "/", "_"]) + text[i:]
        cells.append(text)
    return cells


def _expected(column: x.Column, text: str | None):
    try:
        return parse_cell(column, text), None
    except CellError as exc:
        return None, str(exc)


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("kind", list(PIECES))
def test_sql_rules_parse_every_cell_as_parse_cell_does(kind, required):
    rng = random.Random(f"{kind}{required}")
    column = _column(kind, required)
    extract = x.Extract("e", "test", (column,), key=("c",))
    cells = _cells(kind, 1500, rng)
    con = duckdb.connect()
    original = x.EXTRACTS_BY_NAME.get("e")
    x.EXTRACTS_BY_NAME["e"] = extract  # the cell parser looks the column up by name
    try:
        rules.register_cell_parser(con)
        con.execute("create table cells (n integer, v varchar)")
        con.executemany("insert into cells values (?, ?)", list(enumerate(cells)))
        codes = list(column.codes or ())
        con.execute("create table codes (folded varchar, code varchar)")
        if codes:
            con.executemany("insert into codes values (?, ?)", [(c.lower(), c) for c in codes])
        reason, value = rules.parsed(column, extract, "c_v", "c", "c_code")
        got = con.execute(
            f"with prep as (select n, v as c_v, {', '.join(rules.prepared(column, 'v', 'c'))}, "
            f"k.code as c_code from cells left join codes as k on k.folded = "
            f"lower({rules.trimmed('v')})), parts as (select *"
            + "".join(", " + item for item in rules.date_parts(column, "c"))
            + f" from prep) select n, {reason}, cast({value} as {rules.SQL_TYPES[kind]}) "
            "from parts order by n"
        ).fetchall()
    finally:
        con.close()
        if original is None:
            x.EXTRACTS_BY_NAME.pop("e")
    for (_, got_reason, got_value), text in zip(got, cells, strict=True):
        want_value, want_reason = _expected(column, text)
        assert got_reason == want_reason, (text, got_reason, want_reason)
        if want_reason is None:
            if isinstance(want_value, dt.datetime) and kind == x.DATE:
                want_value = want_value.date()
            assert got_value == want_value, (text, got_value, want_value)


# --- the CSV readers ----------------------------------------------------------------------------

FRAGMENTS = ['a', 'b c', ' ', '"', '""', '"x"', '"x,y"', '"x\ny"', '"x\r\ny"', ',', '\n',
             '\r\n', '\r', '\x00', 'é', '"a"b', 'a"b', '\t', '" "', '"\n"', '1,2', ',,',
             '\n\n']  # fmt: skip


def _field(rng: random.Random) -> str:
    text = "".join(rng.choice(["a", " ", "é", '"', ",", "\n", "1", "\x00"]) for _ in range(3))
    if any(c in text for c in '",\n') or rng.random() < 0.3:
        return '"' + text.replace('"', '""') + '"'
    return text


def _reference(path) -> tuple[list, list] | str:
    from orchestration.ingest.readers import ExtractFileError

    try:
        table = read_extract_file(path)
    except ExtractFileError as exc:
        return f"error: {exc}"
    return table.header, [(r.row_number, r.cells, r.problem) for r in table.rows]


def test_the_fast_csv_reader_reads_as_the_reference_reader_or_steps_aside(tmp_path):
    """Hundreds of small CSV files, many malformed (stray quotes, short and long records, blank
    and white-space lines, quoted newlines, NUL, carriage returns): the staged table holds the
    reference reader's records and row numbers exactly, or the file fails as it does."""
    from orchestration.ingest.readers import ExtractFileError

    extract = x.Extract(
        "ssd_fuzz", "test", (x.Column("a", x.TEXT, True), x.Column("b", x.TEXT)), key=("a",)
    )
    rng = random.Random(11)
    con = duckdb.connect()
    fast = 0
    for case in range(400):
        if case % 2:  # anything
            body = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randrange(0, 14)))
            header = rng.choice(["a,b", "a,b", '"a",b', "a,b,c", "\ufeffa,b"])
        else:  # well-formed records of two fields, quoted where they must be
            header = rng.choice(["a,b", '"a",b', "\ufeffa,b"])
            body = rng.choice(["\n", "\r\n"]).join(
                ",".join(_field(rng) for _ in range(2)) for _ in range(rng.randrange(1, 6))
            )
        ending = rng.choice(["\n", "\r\n", ""])
        path = tmp_path / f"ssd_fuzz_{case}.csv"
        path.write_bytes((header + "\n" + body + ending).encode("utf-8"))
        expected = _reference(path)
        try:
            staged = stage_file(con, extract, path, "staged")
        except ExtractFileError as exc:
            assert expected == f"error: {exc}", (path.read_bytes(), expected, str(exc))
            continue
        assert not isinstance(expected, str), (path.read_bytes(), expected)
        names, _, _ = normalise_header(path, expected[0], extract)
        fast += staged.reader == "pyarrow"
        columns = [n for n in names if n]
        select = ", ".join(f'"{n}"' for n in columns)
        rows = con.execute(
            f"select _source_row, {select}, "
            + ("_row_problem" if staged.reader != "pyarrow" else "null")
            + " from staged order by _source_row"
        ).fetchall()
        want = [
            (number, *[c for c, n in zip(cells, names, strict=True) if n], problem)
            for number, cells, problem in expected[1]
        ]
        assert rows == want, (path.read_bytes(), staged.reader, rows, want)
    # Most generated files are regular enough for the fast reader: it is the one being tested.
    assert fast >= 150, fast
