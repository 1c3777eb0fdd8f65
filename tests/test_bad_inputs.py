"""The bad-input catalogue (issue #6, item 5): one malformed extract file per case, each with the
outcome the loader owes the person who sent it.

Every case is a row of `CASES`: an id, the extract, a builder that writes the file into the
source folder, and one of

* `Fails`: the whole file is refused with `ExtractFileError` by `load_extract` (which finds the
  file in the folder, then reads it), whose message starts with the file name, whose `.column`
  names the column at fault (None when no column is), which `audit.ingest_log` records, and which
  never quotes the file's contents (`hides`);
* `Loads`: the file is read, with the counts worked out by hand (loaded + rejected + blank = read),
  every rejection as (source_row, column, value, reason) with the header as row 1, the values
  the accepted rows were normalised to, and the warnings given.

Each `Loads` case is checked twice: through `read_and_check`, and through `load_extract` into an
in-memory DuckDB (`raw.<extract>` row count, `audit.rejected_rows`, `_source_file`). The cases
under "regressions" are loader bugs this catalogue found, each now fixed; those under "hostile
and unlucky input" are the cases of the December 2026 review (issue 16), by its case number.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.extracts import EXTRACTS_BY_NAME
from orchestration.ingest.load import load_extract, read_and_check
from orchestration.ingest.readers import ExtractFileError

LOADED_AT = dt.datetime(2026, 1, 1, 6, 0)


class _Day:
    """Today or tomorrow as the loader sees it when the test runs, not when this module was
    imported: a suite that runs past midnight would otherwise write "tomorrow" as a date that
    is today by then (and accepted). Formats as the ISO date; equals that string."""

    def __init__(self, days_ahead: int):
        self.days_ahead = days_ahead

    def isoformat(self) -> str:
        return (dt.date.today() + dt.timedelta(days=self.days_ahead)).isoformat()

    def __format__(self, spec: str) -> str:
        return self.isoformat()

    def __eq__(self, other):
        return other == self.isoformat()

    def __hash__(self):
        return hash(self.days_ahead)

    def __repr__(self):
        return self.isoformat()


TODAY = _Day(0)
TOMORROW = _Day(1)

BLANK = "required value is blank"
NOT_A_DATE = "not a date (expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)"
BAD_DAY = "impossible date (day is out of range for month)"
BAD_MONTH = "impossible date (month must be in 1..12)"
TWO_DIGIT_YEAR = "two-digit year: write the year in full (DD/MM/YYYY)"
FUTURE = "date in the future or before 1900"
INVISIBLE = "identifier contains the invisible character "
NO_SAVED_VALUE = (
    "formula with no saved value (the file was written by a program that does not calculate); "
    "open it in Excel, save it and reload"
)
NESTED = "a nested value (Parquet struct, list or map) where one value belongs"
PERSON_ROWS = ("P7342,F,WBRI,2010-05-17,,", "P7343,M,ABAN,2011-02-03,,")
BIG_JSON = '{"outcome": "' + "x" * 200_000 + '"}'
TOO_LONG = "y" * 1_048_577
UTF16 = "the file is UTF-16 encoded; save it as CSV UTF-8 and reload"
MISSING = "required column missing"


# --- expected outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fails:
    """The file is refused: `ExtractFileError` naming the file, `message` in its text."""

    message: str
    column: str | None = None
    # Text of the file that must not appear in the message (it is stored in audit.ingest_log,
    # published, and kept in Dagster's run storage): a child's record.
    hides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loads:
    """The file is read: counts by hand, every rejection, and normalised values of loaded rows."""

    read: int
    loaded: int
    rejected: int
    blank: int
    rejections: tuple[tuple[int, str | None, str | None, str], ...] = ()
    values: dict[str, list] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # each a substring of one of the load's warnings

    def __post_init__(self):
        # The hand count must itself add up, and name one rejected row per rejected count.
        assert self.loaded + self.rejected + self.blank == self.read, self
        assert len({r[0] for r in self.rejections}) == self.rejected, self


Builder = Callable[[Path, str], Path]


@dataclass(frozen=True)
class Case:
    id: str
    extract: str
    build: Builder  # (folder, extract name) -> the file it wrote, named `<extract>.<suffix>`
    expected: Fails | Loads


# --- file builders -------------------------------------------------------------------------------


def _rendered(line) -> str:
    """A line, or a line made when the file is written (a callable: see _Day)."""
    return line() if callable(line) else line


def csv_file(*lines, encoding: str = "utf-8") -> Builder:
    """`<extract>.csv` holding the lines (header first), each ended by a newline."""

    def build(folder: Path, extract: str) -> Path:
        path = folder / f"{extract}.csv"
        text = "".join(_rendered(line) + "\n" for line in lines)
        path.write_bytes(text.encode(encoding))
        return path

    return build


def raw_file(data: bytes, suffix: str = ".csv") -> Builder:
    def build(folder: Path, extract: str) -> Path:
        path = folder / f"{extract}{suffix}"
        path.write_bytes(data)
        return path

    return build


def xlsx_file(
    *sheets: tuple, hidden: tuple[str, ...] = (), merged: tuple[str, ...] = ()
) -> Builder:
    """`<extract>.xlsx` with the given (title, rows) sheets, in order; sheets named in `hidden`
    are hidden, and the ranges in `merged` are merged on the first sheet."""

    def build(folder: Path, extract: str) -> Path:
        import openpyxl

        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets:
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
            if title in hidden:
                sheet.sheet_state = "hidden"
        for cells in merged:
            workbook.worksheets[0].merge_cells(cells)
        path = folder / f"{extract}.xlsx"
        workbook.save(path)
        return path

    return build


def symlink(target: Callable[[Path], Path]) -> Builder:
    """`<extract>.csv` as a symbolic link to `target(folder)`, a file outside the folder."""

    def build(folder: Path, extract: str) -> Path:
        path = folder / f"{extract}.csv"
        os.symlink(target(folder), path)
        return path

    return build


def _outside_extract(folder: Path) -> Path:
    outside = folder.parent / "elsewhere" / "ssd_contacts.csv"
    outside.parent.mkdir()
    outside.write_text(CONTACTS + "\nC1,P1,2018-01-02,\n")
    return outside


def folder_named_like(folder: Path, extract: str) -> Path:
    path = folder / f"{extract}.csv"
    path.mkdir()
    (path / "inside.csv").write_text("pers_person_id\nP1\n")
    return path


def two_names_one_extract(folder: Path, extract: str) -> Path:
    (folder / "SSD_Contacts.CSV").write_text(CONTACTS + "\nC1,P1,2018-01-02,\n")
    path = folder / f"{extract}.csv"
    path.write_text(CONTACTS + "\nC9,P9,2018-01-02,\n")
    return path


def parquet_file(columns: Callable[[], dict]) -> Builder:
    """`<extract>.parquet` from a dict of column name -> list or pyarrow array (built lazily)."""

    def build(folder: Path, extract: str) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = folder / f"{extract}.parquet"
        pq.write_table(pa.table(columns()), path)
        return path

    return build


def _nested_id_columns() -> dict:
    import pyarrow as pa

    return {
        "cont_contact_id": pa.array([["C1"]]),
        "cont_person_id": pa.array([{"a": 1}]),
        "cont_contact_date": ["2018-01-02"],
    }


def _utc_timestamp_columns() -> dict:
    import pyarrow as pa

    utc = dt.UTC
    return {
        "cont_contact_id": ["C1", "C2"],
        "cont_person_id": ["P1", "P2"],
        # British Summer Time began 25 March 2018: 23:30 UTC on 31 March was 00:30 on 1 April in
        # Birmingham, the April figures'; 15 January is GMT, the same clock as UTC.
        "cont_contact_date": pa.array(
            [
                dt.datetime(2018, 3, 31, 23, 30, tzinfo=utc),
                dt.datetime(2018, 1, 15, 10, 0, tzinfo=utc),
            ],
            pa.timestamp("us", tz="UTC"),
        ),
    }


def _binary_id_columns() -> dict:
    import pyarrow as pa

    return {
        "cont_contact_id": pa.array([b"12"], pa.binary()),
        "cont_person_id": ["P1"],
        "cont_contact_date": ["2018-01-02"],
    }


# --- headers used by several cases ---------------------------------------------------------------

PERSON = "pers_person_id,pers_sex,pers_dob,pers_expected_dob,pers_death_date"
CONTACTS = "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code"
ASSESSMENTS = (
    "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,"
    "cina_assessment_auth_date,cina_assessment_team"
)
CP_PLANS = (
    "cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,"
    "cppl_cp_plan_initial_category,cppl_cp_plan_ola"
)
EPISODES = (
    "clae_cla_episode_id,clae_person_id,clae_cla_id,clae_cla_episode_start_date,"
    "clae_cla_episode_start_reason,clae_cla_episode_ceased_date,clae_cla_episode_ceased_reason"
)
PLACEMENTS = (
    "clap_cla_placement_id,clap_cla_id,clap_person_id,clap_cla_placement_start_date,"
    "clap_cla_placement_end_date,clap_cla_placement_type,clap_cla_placement_provider"
)
WORKFORCE = "snapshot_date,prof_professional_id,role,qualified_social_worker,agency_worker,fte"
LEAVERS = "person_id,date_of_birth,birthday_age,in_touch,accommodation"
YJ = "yj_outcome_id,yj_person_id,date_of_birth,offence_date,outcome_date,outcome_type"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- the catalogue -------------------------------------------------------------------------------

CASES: list[Case] = [
    # ---- encodings and empty files ----
    Case("utf16_with_bom", "ssd_cla_episodes",
         csv_file(EPISODES, "E1,P1,C1,2020-01-01,S,,", encoding="utf-16"),
         Fails(UTF16)),
    Case("utf16le_without_bom", "ext_yj_outcomes",
         csv_file(YJ, "1,Y1,2002-01-01,2018-01-01,2018-02-01,other", encoding="utf-16-le"),
         Fails(UTF16)),
    # Excel on Windows "CSV": en dash and e-acute are cp1252 bytes 0x96 and 0xE9.
    Case("cp1252_file", "ssd_cla_placement",
         csv_file(PLACEMENTS, "PL1,C1,P1,2020-01-01,,U1,Café Fostering – North",
                  encoding="cp1252"),
         Loads(1, 1, 0, 0, values={"clap_cla_placement_provider": ["Café Fostering – North"]})),
    # "CSV UTF-8" from Excel starts with a BOM; it must not stick to the first column name.
    Case("utf8_bom", "ssd_person",
         csv_file(PERSON, "P1,F,2010-05-01,,", "P2,m,,2030-01-01,", encoding="utf-8-sig"),
         Loads(2, 2, 0, 0, values={"pers_person_id": ["P1", "P2"], "pers_sex": ["F", "M"]})),
    Case("header_only", "ssd_cp_plans", csv_file(CP_PLANS), Loads(0, 0, 0, 0)),
    Case("empty_file", "ext_workforce_snapshots", raw_file(b""),
         Fails("the file is empty: a header row is required")),
    # ---- the header ----
    Case("missing_required_column", "ssd_cla_episodes",
         csv_file("clae_cla_episode_id,clae_person_id,clae_cla_episode_start_date,"
                  "clae_cla_episode_start_reason",
                  "E1,P1,2020-01-01,S"),
         Fails(MISSING, "clae_cla_id")),
    # A European-locale Excel saves with semicolons: one column, every required one missing.
    Case("semicolon_delimited", "ssd_contacts",
         csv_file("cont_contact_id;cont_person_id;cont_contact_date", "C1;P1;2018-01-02"),
         Fails(MISSING, "cont_contact_id, cont_person_id, cont_contact_date")),
    # Extra columns are kept in raw (named as the header has them, trimmed and lower-cased).
    Case("extra_columns", "ssd_cp_plans",
         csv_file(CP_PLANS + ",local_note, Worker Name ",
                  "CP1,P1,2020-01-01,,NEG,N, check , A Smith"),
         Loads(1, 1, 0, 0, values={"local_note": ["check"], "worker name": ["A Smith"]})),
    # Two columns that differ only in case and spacing are the same column.
    Case("duplicated_column_names", "ssd_cin_assessments",
         csv_file(ASSESSMENTS + ", CINA_Assessment_Team", "A1,P1,,2020-01-01,,Team A,Team B"),
         Fails("the column name appears more than once", "cina_assessment_team")),
    Case("required_column_case_and_spacing", "ext_care_leaver_outcomes",
         csv_file(" PERSON_ID ,Date_Of_Birth,  birthday_age,IN_TOUCH",
                  "CL1,2003-04-05,18,yes"),
         Loads(1, 1, 0, 0, values={"person_id": ["CL1"], "in_touch": ["YES"]})),
    # ---- identifiers ----
    Case("blank_id", "ssd_cin_assessments",
         csv_file(ASSESSMENTS, "   ,P1,,2020-01-01,,", "A2,P2,,2020-01-02,,"),
         Loads(2, 1, 1, 0, rejections=((2, "cina_assessment_id", "   ", BLANK),),
               values={"cina_assessment_id": ["A2"]})),
    Case("whitespace_padded_id", "ssd_person",
         csv_file(PERSON, "  P001\t,F,2010-05-01,,", '" P002 ",M,2011-06-01,,'),
         Loads(2, 2, 0, 0, values={"pers_person_id": ["P001", "P002"]})),
    # Excel's "12.0" is the ID 12; leading zeros are part of an ID and are kept.
    Case("excel_float_id", "ssd_cla_placement",
         csv_file(PLACEMENTS, "12.0,7.0,P1,2020-01-01,,U1,", "0012.00,007,P2,2020-01-01,,U1,"),
         Loads(2, 2, 0, 0, values={"clap_cla_placement_id": ["12", "0012"],
                                   "clap_cla_id": ["7", "007"]})),
    # ---- codes and flags ----
    Case("unknown_code", "ssd_cla_placement",
         csv_file(PLACEMENTS, "PL1,C1,P1,2020-01-01,,Z9,", "PL2,C2,P2,2020-01-01,, k1 ,"),
         Loads(2, 1, 1, 0, rejections=((2, "clap_cla_placement_type", "Z9", "unknown code"),),
               values={"clap_cla_placement_type": ["K1"]})),
    Case("flag_yes_in_lowercase", "ssd_cp_plans",
         csv_file(CP_PLANS, "CP1,P1,2020-01-01,,NEG,yes", "CP2,P2,2020-01-01,,emo,NO",
                  "CP3,P3,2020-01-01,,PHY,y"),
         Loads(3, 3, 0, 0, values={"cppl_cp_plan_ola": [True, False, True],
                                   "cppl_cp_plan_initial_category": ["NEG", "EMO", "PHY"]})),
    # ---- dates ----
    Case("impossible_date_31_02", "ssd_cp_plans",
         csv_file(CP_PLANS, "CP1,P1,31/02/2019,,NEG,N", "CP2,P2,2019-01-01,2019-02-29,NEG,N",
                  "CP3,P3,29/02/2020,,NEG,N"),
         Loads(3, 1, 2, 0,
               rejections=((2, "cppl_cp_plan_start_date", "31/02/2019", BAD_DAY),
                           (3, "cppl_cp_plan_end_date", "2019-02-29", BAD_DAY)),
               values={"cppl_cp_plan_start_date": [ts("2020-02-29")]})),
    # 05/06/18 could be 1918 or 2018 for a date of birth: refused, not guessed.
    Case("two_digit_year", "ssd_person",
         csv_file(PERSON, "P1,F,05/06/18,,", "P2,F,05/06/2018,,"),
         Loads(2, 1, 1, 0, rejections=((2, "pers_dob", "05/06/18", TWO_DIGIT_YEAR),),
               values={"pers_dob": [ts("2018-06-05")]})),
    Case("not_a_date_at_all", "ext_yj_outcomes",
         csv_file(YJ, "1,Y1,2002-01-01,last week,2018-02-01,other"),
         Loads(1, 0, 1, 0, rejections=((2, "offence_date", "last week", NOT_A_DATE),))),
    # End before start rejects the row; ending on the start day is fine.
    # An end before its start loads (issue 9): the record stays in the warehouse and only the
    # measures that need the interval leave it out (dbt: audit.kpi_exclusions).
    Case("reversed_start_end", "ssd_cla_placement",
         csv_file(PLACEMENTS, "PL1,C1,P1,2020-03-05,2020-03-01,U1,",
                  "PL2,C2,P2,2020-03-05,05/03/2020,U1,"),
         Loads(2, 2, 0, 0, values={"clap_cla_placement_id": ["PL1", "PL2"]})),
    # Today is accepted, tomorrow cannot have happened yet.
    Case("future_date", "ssd_cin_assessments",
         csv_file(ASSESSMENTS, lambda: f"A1,P1,,{TOMORROW},,", lambda: f"A2,P2,,{TODAY},,"),
         Loads(2, 1, 1, 0,
               rejections=((2, "cina_assessment_start_date", TOMORROW, FUTURE),),
               values={"cina_assessment_id": ["A2"]})),
    Case("uk_datetime_with_time", "ssd_contacts",
         csv_file(CONTACTS, "C1,P1,05/01/2018 09:30,", "C2,P1,2018-01-06T14:05:30,"),
         Loads(2, 2, 0, 0, values={"cont_contact_date": [ts("2018-01-05 09:30"),
                                                         ts("2018-01-06 14:05:30")]})),
    # ---- rows ----
    # Both copies are rejected, whatever their date format or padding: the analyst must choose.
    Case("duplicate_key", "ext_workforce_snapshots",
         csv_file(WORKFORCE, "31/01/2024,W1,social_worker,Y,N,1",
                  "2024-02-29,W1,social_worker,Y,N,1", "2024-01-31, W1 ,team_manager,Y,N,0.5"),
         Loads(3, 1, 2, 0,
               rejections=((2, "snapshot_date, prof_professional_id", "2024-01-31, W1",
                            "duplicate key: 2 rows share it (rows 2, 4)"),
                           (4, "snapshot_date, prof_professional_id", "2024-01-31, W1",
                            "duplicate key: 2 rows share it (rows 2, 4)")),
               values={"snapshot_date": [ts("2024-02-29")]})),
    # Person P999 is in no ssd_person file. The loader sees one file at a time, so the contact is
    # loaded; the orphan is reported later by the dbt relationships test (severity warn).
    Case("orphan_foreign_key", "ssd_contacts",
         csv_file(CONTACTS, "C1,P999,2018-01-02,"),
         Loads(1, 1, 0, 0, values={"cont_person_id": ["P999"]})),
    # A surplus non-blank field means the row cannot be lined up with the header; surplus empty
    # fields (a trailing comma) are harmless.
    Case("too_many_fields", "ssd_cin_assessments",
         csv_file(ASSESSMENTS, "A1,P1,,2020-01-01,,Team A,oops", "A2,P2,,2020-01-01,,Team A,,"),
         Loads(2, 1, 1, 0, rejections=((2, None, None, "row has 7 fields but the header has 6"),),
               values={"cina_assessment_id": ["A2"]})),
    # A quoted newline stays in its field and does not start a row: the bad record is row 3.
    Case("quoted_newlines", "ext_care_leaver_outcomes",
         csv_file(LEAVERS, 'CL1,2003-04-05,18,YES,"Flat 2\nHigh Street"',
                  "CL2,2003-04-05,18,LOST,"),
         Loads(2, 1, 1, 0, rejections=((3, "in_touch", "LOST", "unknown code"),),
               values={"accommodation": ["Flat 2\nHigh Street"]})),
    Case("entirely_blank_rows", "ssd_cla_episodes",
         csv_file(EPISODES, ",,,,,,", "", "E1,P1,C1,2020-01-01,S,,", "  , ,\t,,,,"),
         Loads(4, 1, 0, 3, values={"clae_cla_episode_id": ["E1"]})),
    # ---- extract rules ----
    Case("fte_out_of_range", "ext_workforce_snapshots",
         csv_file(WORKFORCE, "2024-01-31,W1,other,N,N,1.6", "2024-01-31,W2,other,N,N,-0.1",
                  "2024-01-31,W3,other,N,N,1.5", "2024-01-31,W4,other,N,N,0"),
         Loads(4, 2, 2, 0,
               rejections=((2, "fte", "1.6", "above the allowed maximum 1.5"),
                           (3, "fte", "-0.1", "below the allowed minimum 0")),
               values={"fte": [1.5, 0.0]})),
    Case("snapshot_not_a_month_end", "ext_workforce_snapshots",
         csv_file(WORKFORCE, "2024-02-28,W1,other,N,N,1", "29/02/2024,W2,other,N,N,1"),
         Loads(2, 1, 1, 0, rejections=((2, "snapshot_date", "2024-02-28", "not a month end"),),
               values={"prof_professional_id": ["W2"]})),
    # OC3 is collected at birthdays 17 to 21; "18.0" is a whole number, 17.5 is not.
    Case("birthday_age_out_of_range", "ext_care_leaver_outcomes",
         csv_file(LEAVERS, "CL1,2003-04-05,16,YES,", "CL2,2003-04-05,22,YES,",
                  "CL3,2003-04-05,18.0,YES,", "CL4,2003-04-05,17.5,YES,"),
         Loads(4, 1, 3, 0,
               rejections=((2, "birthday_age", "16", "below the allowed minimum 17"),
                           (3, "birthday_age", "22", "above the allowed maximum 21"),
                           (5, "birthday_age", "17.5", "not a whole number")),
               values={"birthday_age": [18]})),
    Case("cla_episode_without_start_reason", "ssd_cla_episodes",
         csv_file(EPISODES, "E1,P1,C1,2020-01-01,,,", "E2,P2,C2,2020-01-01,l,,"),
         Loads(2, 1, 1, 0,
               rejections=((2, "clae_cla_episode_start_reason", None, BLANK),),
               values={"clae_cla_episode_start_reason": ["L"]})),
    # An expected date of birth alone is enough (an unborn child), and may be in the future.
    Case("person_without_any_birth_date", "ssd_person",
         csv_file(PERSON, "P1,F,,,", lambda: f"P2,U,,{TOMORROW},"),
         Loads(2, 1, 1, 0,
               rejections=((2, "pers_dob", None,
                            "neither date of birth nor expected date of birth given"),),
               values={"pers_person_id": ["P2"]})),
    # Listed in audit.date_contradictions; no measure uses the date of death.
    Case("death_before_birth", "ssd_person",
         csv_file(PERSON, "P1,F,2010-05-01,,2009-01-01", "P2,F,2010-05-01,,2010-05-01"),
         Loads(2, 2, 0, 0, values={"pers_person_id": ["P1", "P2"]})),
    # ---- xlsx ----
    Case("xlsx_data_on_second_sheet", "ssd_cla_placement",
         xlsx_file(("Sheet1", []),
                   ("Data", [PLACEMENTS.split(","),
                             ["PL1", "C1", "P1", "2020-01-01", None, "U1"]])),
         Fails("the first sheet 'Sheet1' is empty: data must be on the first sheet")),
    Case("xlsx_cover_note_before_data", "ssd_legal_status",
         xlsx_file(("Cover", [["Legal status extract produced 01/01/2026 by MI team"]]),
                   ("Data", [["lega_legal_status_id", "lega_person_id", "lega_legal_status",
                              "lega_legal_status_start_date"], ["L1", "P1", "C2", "2020-01-01"]])),
         Fails(MISSING, "lega_legal_status_id, lega_person_id, lega_legal_status, "
                        "lega_legal_status_start_date")),
    Case("xlsx_values_beyond_headings", "ssd_cp_plans",
         xlsx_file(("Plans", [["cppl_cp_plan_id", "cppl_person_id", "cppl_cp_plan_start_date"],
                              ["CP1", "P1", dt.datetime(2020, 1, 1), "stray note"],
                              [12.0, "P2", dt.datetime(2020, 1, 2)]])),
         Loads(2, 1, 1, 0, rejections=((2, None, None, "row has values beyond the 3 headings"),),
               values={"cppl_cp_plan_id": ["12"]})),
    Case("xlsx_that_is_not_a_workbook", "ssd_cp_plans",
         raw_file(b"cppl_cp_plan_id,cppl_person_id\nCP1,P1\n", ".xlsx"),
         Fails("not a readable xlsx workbook")),
    # ---- Parquet ----
    # Dates written as yyyymmdd integers reach the parser as "20020101" and are rejected by column.
    Case("parquet_date_as_integers", "ext_yj_outcomes",
         parquet_file(lambda: {
             "yj_outcome_id": ["1", "2"], "yj_person_id": ["Y1", "Y2"],
             "date_of_birth": [20020101, None], "offence_date": ["2018-01-01", "2018-01-01"],
             "outcome_date": [dt.date(2018, 2, 1), dt.date(2018, 2, 1)],
             "outcome_type": ["other", "court_sentence"]}),
         Loads(2, 0, 2, 0, rejections=((2, "date_of_birth", "20020101", NOT_A_DATE),
                                       (3, "date_of_birth", None, BLANK)))),
    # A flag stored as float arrives as "1.0"/"0.0", which is not in the Y/N spellings: rejected
    # by column rather than guessed. A real boolean column is fine.
    Case("parquet_flag_as_float", "ext_workforce_snapshots",
         parquet_file(lambda: {
             "snapshot_date": [dt.date(2024, 1, 31)] * 3, "prof_professional_id": [1, 2, 3],
             "role": ["other"] * 3, "qualified_social_worker": [1.0, 0.0, 1.0],
             "agency_worker": [True, False, True], "fte": [1.0, 0.5, 1.0]}),
         Loads(3, 0, 3, 0, rejections=((2, "qualified_social_worker", "1.0", "not a Y/N flag"),
                                       (3, "qualified_social_worker", "0.0", "not a Y/N flag"),
                                       (4, "qualified_social_worker", "1.0", "not a Y/N flag")))),
    Case("parquet_typed_values_normalised", "ext_workforce_snapshots",
         parquet_file(lambda: {
             "snapshot_date": [dt.datetime(2024, 1, 31)], "prof_professional_id": [17.0],
             "role": ["Social_Worker"], "qualified_social_worker": [True],
             "agency_worker": [False], "fte": ["0.8"]}),
         Loads(1, 1, 0, 0, values={"prof_professional_id": ["17"], "role": ["social_worker"],
                                   "fte": [0.8], "snapshot_date": [ts("2024-01-31")]})),
    Case("parquet_missing_required_column", "ssd_contacts",
         parquet_file(lambda: {"cont_contact_id": ["C1"], "cont_contact_date": ["2018-01-02"]}),
         Fails(MISSING, "cont_person_id")),
    Case("parquet_that_is_not_parquet", "ssd_contacts",
         raw_file(b"cont_contact_id,cont_person_id\n", ".parquet"),
         Fails("not a readable Parquet file")),
    # ---- regressions: loader bugs this catalogue found, now fixed ----
    # Crashed with OverflowError building the Int64 column.
    Case("integer_too_large_for_int64", "ext_care_leaver_outcomes",
         csv_file(LEAVERS, "CL1,2003-04-05,99999999999999999999,YES,", "CL2,2003-04-05,18,YES,"),
         Loads(2, 1, 1, 0, rejections=(
             (2, "birthday_age", "99999999999999999999", "whole number too large"),))),
    # Python's csv reader without strict=True swallowed rows 3 and 4 into row 2's open field.
    Case("unterminated_quote", "ssd_contacts",
         csv_file(CONTACTS, 'C1,P1,2018-01-02,"open quote', "C2,P1,2018-01-03,x",
                  "C3,P1,2018-01-04,y"),
         Fails("not a readable CSV")),
    # An extra column named like the loader's own overwrote the row numbers (KeyError later).
    Case("extra_column_named__source_row", "ssd_contacts",
         csv_file(CONTACTS + ",_source_row", "C1,P1,2018-01-02,,10", "C2,P1,2099-01-03,,11"),
         Fails("reserved for the loader", "_source_row")),
    # ... or pushed the real file name into _source_file_1.
    Case("extra_column_named__source_file", "ssd_contacts",
         csv_file(CONTACTS + ",_source_file", "C1,P1,2018-01-02,,old.csv"),
         Fails("reserved for the loader", "_source_file")),
    # The raw name went into SQL unescaped: duckdb ParserException.
    Case("extra_column_name_with_a_quote", "ssd_contacts",
         csv_file(CONTACTS + ',"worker ""A"""', "C1,P1,2018-01-02,,x"),
         Loads(1, 1, 0, 0)),
    # A binary Parquet column was loaded as the text "b'12'".
    Case("parquet_binary_id", "ssd_contacts",
         parquet_file(_binary_id_columns),
         Loads(1, 1, 0, 0, values={"cont_contact_id": ["12"]})),
    # ---- hostile and unlucky input (issue 16; the review's case number first) ----
    # 10: loaded as-is, so "C1" and "C\x001" were two children's records that print alike.
    Case("c10_control_characters_in_ids", "ssd_contacts",
         csv_file(CONTACTS, "C\x001,P1,2018-01-02,", "C2,P\x1b2,2018-01-02,",
                  "C\u202e3,P3,2018-01-02,", "C4,P4,2018-01-02,"),
         Loads(4, 1, 3, 0,
               rejections=((2, "cont_contact_id", "C\x001", INVISIBLE + "U+0000 (NUL)"),
                           (3, "cont_person_id", "P\x1b2", INVISIBLE + "U+001B (ESC)"),
                           (4, "cont_contact_id", "C\u202e3",
                            INVISIBLE + "U+202E (RIGHT-TO-LEFT OVERRIDE)")),
               values={"cont_contact_id": ["C4"]})),
    # 12: the link was followed and the message quoted the first line of /etc/passwd.
    Case("c12_symlink_to_a_system_file", "ssd_person",
         symlink(lambda folder: Path("/etc/passwd")),
         Fails("is a symbolic link; links are not followed", hides=("root",))),
    # 13: a link to an extract in another folder was loaded without a word.
    Case("c13_symlink_to_an_extract_elsewhere", "ssd_contacts", symlink(_outside_extract),
         Fails("is a symbolic link; links are not followed")),
    # 14: "no file ... loaded as empty", as if the extract were missing.
    Case("c14_folder_named_like_an_extract", "ssd_person", folder_named_like,
         Fails("is a folder, not a file")),
    # 15: the "required column missing (header has: ...)" message quoted the first record.
    Case("c15_no_header_row", "ssd_person", csv_file(*PERSON_ROWS),
         Fails("required column missing: the first row names none of the columns of ssd_person, "
               "so it is not a header row", "pers_person_id",
               hides=("P7342", "WBRI", "2010-05-17", "P7343"))),
    # 16: a 200 KB field refused the whole file ("field larger than field limit (131072)").
    Case("c16_200kb_json_in_an_optional_column", "ssd_contacts",
         csv_file("cont_contact_id,cont_person_id,cont_contact_date,cont_contact_outcome_json",
                  f'C1,P1,2018-01-02,"{BIG_JSON.replace(chr(34), chr(34) * 2)}"'),
         Loads(1, 1, 0, 0, values={"cont_contact_outcome_json": [BIG_JSON]})),
    # 17: a huge field: the same file-level error, column not named. Now its row is rejected.
    Case("c17_field_longer_than_a_cell_may_be", "ssd_contacts",
         csv_file("cont_contact_id,cont_person_id,cont_contact_date,cont_contact_outcome_json",
                  f"C1,P1,2018-01-02,{TOO_LONG}", "C2,P2,2018-01-02,{}"),
         Loads(2, 1, 1, 0,
               rejections=((2, "cont_contact_outcome_json", None,
                            "value of 1,048,577 characters is longer than the 1,048,576 "
                            "allowed"),),
               values={"cont_contact_id": ["C2"]})),
    # 20: "required column missing", naming what looked like the right column.
    Case("c20_two_byte_order_marks", "ssd_person",
         raw_file(b"\xef\xbb\xbf\xef\xbb\xbf" + f"{PERSON}\nP1,F,2010-05-01,,\n".encode()),
         Loads(1, 1, 0, 0, values={"pers_person_id": ["P1"]},
               warnings=("invisible character(s) U+FEFF (ZERO WIDTH NO-BREAK SPACE) removed "
                         "from the heading of column 1 ('pers_person_id')",))),
    # 21: the same confusing message for a Cyrillic "р" typed for a Latin "p".
    Case("c21_cyrillic_letter_in_a_heading", "ssd_person",
         csv_file("\u0440ers_person_id,pers_sex,pers_dob", "P1,F,2010-05-01"),
         Fails("column 1 looks like 'pers_person_id' but has U+0440 (CYRILLIC SMALL LETTER ER) "
               "at position 1", "pers_person_id")),
    # 23: one of the two was read, the other ignored without a word.
    Case("c23_names_that_differ_only_in_case", "ssd_contacts", two_names_one_extract,
         Fails("both SSD_Contacts.CSV and ssd_contacts.csv are in the folder; names that differ "
               "only in case are ambiguous")),
    # 24: the hidden, out-of-date first sheet was loaded.
    Case("c24_xlsx_hidden_first_sheet", "ssd_legal_status",
         xlsx_file(("Old", [["lega_legal_status_id", "lega_person_id", "lega_legal_status",
                             "lega_legal_status_start_date"], ["L0", "P0", "C1", "2010-01-01"]]),
                   ("Current", [["lega_legal_status_id", "lega_person_id", "lega_legal_status",
                                 "lega_legal_status_start_date"],
                                ["L1", "P1", "C2", "2020-01-01"]]),
                   hidden=("Old",)),
         Loads(1, 1, 0, 0, values={"lega_legal_status_id": ["L1"]},
               warnings=("read sheet 'Current', the first visible one; hidden sheet(s) 'Old' "
                         "skipped",))),
    # 25: formulas that were never calculated read as empty: a row of them counted "blank".
    Case("c25_xlsx_formulas_without_saved_values", "ssd_cp_plans",
         xlsx_file(("Plans", [["cppl_cp_plan_id", "cppl_person_id", "cppl_cp_plan_start_date"],
                              ["CP1", "P1", "=DATE(2020,1,1)"],
                              ["=A2", "=B2", "=C2"],
                              ["CP3", "P3", dt.datetime(2020, 1, 3)]])),
         Loads(3, 1, 2, 0,
               rejections=((2, "cppl_cp_plan_start_date", None, NO_SAVED_VALUE),
                           (3, "cppl_cp_plan_id", None, NO_SAVED_VALUE),
                           (3, "cppl_cp_plan_start_date", None, NO_SAVED_VALUE),
                           (3, "cppl_person_id", None, NO_SAVED_VALUE)),
               values={"cppl_cp_plan_id": ["CP3"]})),
    # 26: every row rejected "values beyond the 3 headings"; the merged heading is the cause.
    Case("c26_xlsx_merged_header_cell", "ssd_cp_plans",
         xlsx_file(("Plans", [["cppl_cp_plan_id", "cppl_person_id", "cppl_cp_plan_start_date",
                               None], ["CP1", "P1", dt.datetime(2020, 1, 1), "N"]]),
                   merged=("C1:D1",)),
         Fails("the header row has merged cells (C1:D1) on sheet 'Plans': unmerge them")),
    # 28: a struct id loaded as the text "{'a': 1}".
    Case("c28_parquet_nested_ids", "ssd_contacts", parquet_file(_nested_id_columns),
         Loads(1, 0, 1, 0, rejections=((2, "cont_contact_id", None, NESTED),
                                       (2, "cont_person_id", None, NESTED)))),
    # 29: the time zone was dropped: 23:30 UTC stayed 23:30, a day and a month early.
    Case("c29_parquet_utc_timestamps", "ssd_contacts", parquet_file(_utc_timestamp_columns),
         Loads(2, 2, 0, 0, values={"cont_contact_date": [ts("2018-04-01 00:30"),
                                                         ts("2018-01-15 10:00")]})),
]  # fmt: skip


def rejections_of(result) -> list[tuple]:
    return [(r.source_row, r.column_name, r.value, r.reason) for r in result.rejections]


def test_the_catalogue_is_a_catalogue():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert all(c.extract in EXTRACTS_BY_NAME for c in CASES)
    assert len(CASES) >= 25
    assert len({c.extract for c in CASES}) >= 10


def _in_row_order(rejections) -> list[tuple]:
    # Within a row, the order of its rejections is not part of the outcome.
    return sorted(rejections, key=lambda r: (r[0], r[1] or ""))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input(case: Case, tmp_path):
    extract = EXTRACTS_BY_NAME[case.extract]
    source = tmp_path / "extracts"
    source.mkdir()
    path = case.build(source, case.extract)
    expected = case.expected

    if isinstance(expected, Fails):
        con = duckdb.connect()
        try:
            with pytest.raises(ExtractFileError) as error:
                load_extract(con, extract, source, LOADED_AT)
            logged = con.execute(
                "select status, source_file, message, message_safe from audit.ingest_log"
            ).fetchall()
        finally:
            con.close()
        message = str(error.value)
        assert message.startswith(path.name), message  # names the file ...
        assert expected.message in message
        assert error.value.column == expected.column  # ... and the column at fault, if any
        assert error.value.path == path
        assert logged == [("failed", path.name, message, True)]
        for text in expected.hides:
            assert text not in message, f"the message quotes the file: {text!r}"
        return

    clean, result = read_and_check(extract, path)
    counts = (result.read, result.loaded, result.rejected, result.blank)
    assert counts == (expected.read, expected.loaded, expected.rejected, expected.blank), result
    assert result.loaded + result.rejected + result.blank == result.read
    assert _in_row_order(rejections_of(result)) == list(expected.rejections)
    assert len(clean) == expected.loaded
    for column, values in expected.values.items():
        assert clean[column].tolist() == values, column
    for warning in expected.warnings:
        assert any(warning in w for w in result.warnings), (warning, result.warnings)

    # The same file through the warehouse load: raw holds the loaded rows, audit the rejections.
    con = duckdb.connect()
    try:
        loaded = load_extract(con, extract, source, LOADED_AT)
        assert (loaded.read, loaded.loaded, loaded.rejected, loaded.blank) == counts
        assert con.execute(f"select count(*) from raw.{case.extract}").fetchone() == (
            expected.loaded,
        )
        audit = con.execute(
            "select extract, source_file, source_row, column_name, value, reason, loaded_at "
            "from audit.rejected_rows order by source_row, column_name"
        ).fetchall()
        assert [row[:2] for row in audit] == [(case.extract, path.name)] * len(audit)
        assert {row[6] for row in audit} <= {LOADED_AT}
        assert [row[2:6] for row in audit] == list(expected.rejections)
        files = con.execute(f"select distinct _source_file from raw.{case.extract}").fetchall()
        assert files == ([(path.name,)] if expected.loaded else [])
    finally:
        con.close()


def test_whole_file_load_writes_raw_and_audit(tmp_path):
    """One ssd_cla_episodes file with good, bad and blank rows, loaded into a DuckDB file."""
    source = tmp_path / "extracts"
    source.mkdir()
    csv_file(
        EPISODES,
        "E1,P1,C1,2020-01-01,S,2020-06-30,e11",  # row 2: loaded, code stored as E11
        " 0042.0 ,P2,C2,01/02/2020 10:30,l,,",  # row 3: loaded, id 0042, reason L, time dropped
        "E3,P3,C3,2020-03-01,,,",  # row 4: start reason blank
        "E4,P4,C4,2020-05-01,S,2020-04-01,E3",  # row 5: ceased before start, loaded
        ",,,,,,",  # row 6: blank
        "E5,P5,C5,2020-13-01,X,,",  # row 7: two faults, one rejected row
    )(source, "ssd_cla_episodes")
    expected_rejections = [
        (4, "clae_cla_episode_start_reason", None, BLANK),
        (7, "clae_cla_episode_start_date", "2020-13-01", BAD_MONTH),
        (7, "clae_cla_episode_start_reason", "X", "unknown code"),
    ]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        result = load_extract(con, EXTRACTS_BY_NAME["ssd_cla_episodes"], source, LOADED_AT)
        # read 6 = loaded 3 (rows 2, 3, 5) + rejected 2 (rows 4, 7) + blank 1 (row 6)
        assert (result.read, result.loaded, result.rejected, result.blank) == (6, 3, 2, 1)
        assert rejections_of(result) == expected_rejections
        assert (
            con.execute(
                "select source_row, column_name, value, reason from audit.rejected_rows "
                "where extract = 'ssd_cla_episodes' and source_file = 'ssd_cla_episodes.csv' "
                "and loaded_at = ? order by source_row, column_name",
                [LOADED_AT],
            ).fetchall()
            == expected_rejections
        )
        assert con.execute(
            "select _source_row, clae_cla_episode_id, clae_cla_episode_start_date, "
            "clae_cla_episode_start_reason, clae_cla_episode_ceased_date, "
            "clae_cla_episode_ceased_reason, _source_file, _loaded_at "
            "from raw.ssd_cla_episodes order by _source_row"
        ).fetchall() == [
            (2, "E1", dt.date(2020, 1, 1), "S", dt.date(2020, 6, 30), "E11",
             "ssd_cla_episodes.csv", LOADED_AT),
            (3, "0042", dt.date(2020, 2, 1), "L", None, None, "ssd_cla_episodes.csv", LOADED_AT),
            (5, "E4", dt.date(2020, 5, 1), "S", dt.date(2020, 4, 1), "E3",
             "ssd_cla_episodes.csv", LOADED_AT),
        ]  # fmt: skip
        assert con.execute(
            "select status, rows_read, rows_loaded, rows_rejected, rows_blank "
            "from audit.ingest_log where extract = 'ssd_cla_episodes'"
        ).fetchall() == [("loaded", 6, 3, 2, 1)]
    finally:
        con.close()
