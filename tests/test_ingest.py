"""Ingest of good and bad extract files: each fault gets its rejection with a reason, or a clear
error naming the file and the column; every row read is loaded, rejected or blank."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from orchestration.extracts import EXTRACTS, EXTRACTS_BY_NAME
from orchestration.ingest.load import load_extract, read_and_check
from orchestration.ingest.readers import ExtractFileError
from orchestration.ingest.schemas import MODELS

REFERRALS = EXTRACTS_BY_NAME["ssd_cin_episodes"]
IMPOSSIBLE = "impossible date (day is out of range for month)"
TWO_DIGIT = "two-digit year: write the year in full (DD/MM/YYYY)"
HEADER = "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa,cine_close_date\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check(tmp_path, body, header=HEADER, extract=REFERRALS, **kwargs):
    path = write(tmp_path, f"{extract.name}.csv", header + body, **kwargs)
    clean, result = read_and_check(extract, path)
    assert result.balanced, result
    return clean, result


def reasons(result):
    return [(r.source_row, r.column_name, r.value, r.reason) for r in result.rejections]


def test_every_pandera_model_names_exactly_its_extracts_columns():
    assert set(MODELS) == {e.name for e in EXTRACTS}
    for extract in EXTRACTS:
        fields = set(MODELS[extract.name].to_schema().columns)
        assert fields == set(extract.column_names), extract.name


def test_clean_rows_load_with_types_and_normalised_ids(tmp_path):
    clean, result = check(
        tmp_path,
        "007,P1,2018-01-02 10:15,N,\n"
        " 12.0 ,P2,05/01/2018 09:30,yes,2018-02-01\n"  # Excel id, padded; dd/mm/yyyy; "yes"
        "13,P3,2018-01-07,true,\n",
    )
    assert (result.read, result.loaded, result.rejected, result.blank) == (3, 3, 0, 0)
    assert clean["cine_referral_id"].tolist() == ["007", "12", "13"]  # leading zeros kept
    assert clean["cine_referral_date"].tolist() == [
        pd.Timestamp("2018-01-02 10:15"),
        pd.Timestamp("2018-01-05 09:30"),
        pd.Timestamp("2018-01-07"),
    ]
    assert clean["cine_referral_nfa"].tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("1,P1,31/02/2018,N,\n",
         (2, "cine_referral_date", "31/02/2018", IMPOSSIBLE)),
        ("1,P1,01/02/18,N,\n",
         (2, "cine_referral_date", "01/02/18", TWO_DIGIT)),
        ("1,P1,next tuesday,N,\n",
         (2, "cine_referral_date", "next tuesday",
          "not a date (expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)")),
        (",P1,2018-02-01,N,\n", (2, "cine_referral_id", None, "required value is blank")),
        ("1,P1,2018-02-01,maybe,\n", (2, "cine_referral_nfa", "maybe", "not a Y/N flag")),
        ("1,P1,2099-02-01,N,\n",
         (2, "cine_referral_date", "2099-02-01", "date in the future or before 1900")),
        ("1,P1,2018-02-01,N,,surplus\n",
         (2, None, None, "row has 6 fields but the header has 5")),
    ],
)  # fmt: skip
def test_each_bad_value_is_rejected_with_its_reason(tmp_path, row, expected):
    clean, result = check(tmp_path, row)
    assert len(clean) == 0 and result.rejected == 1
    assert reasons(result) == [expected]


def test_a_close_before_the_referral_loads(tmp_path):
    # Regression (issue 9): a date that contradicts another column used to reject the whole row,
    # so the referral vanished from kpi_01, kpi_02 and rate_referrals too. It loads; dbt leaves it
    # out of the measures that need the interval (audit.kpi_exclusions).
    clean, result = check(tmp_path, "1,P1,2018-02-01,N,2018-01-01\n")
    assert result.rejected == 0 and len(clean) == 1
    assert clean["cine_close_date"].tolist() == [pd.Timestamp("2018-01-01")]


def test_unknown_code_is_rejected(tmp_path):
    header = "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code\n"
    clean, result = check(tmp_path, "1,P1,2018-02-01,N1\n2,P2,2018-02-01,N99\n", header=header)
    assert clean["cine_cin_primary_need_code"].tolist() == ["N1"]
    assert reasons(result) == [(3, "cine_cin_primary_need_code", "N99", "unknown code")]


def test_codes_match_ignoring_case_and_are_stored_as_the_code_list_spells_them(tmp_path):
    extract = EXTRACTS_BY_NAME["ext_yj_outcomes"]
    header = "yj_outcome_id,yj_person_id,date_of_birth,offence_date,outcome_date,outcome_type\n"
    clean, _ = check(
        tmp_path, "1,Y1,2002-01-01,2018-01-01,2018-02-01,Youth_Caution\n", header, extract
    )
    assert clean["outcome_type"].tolist() == ["youth_caution"]


def test_duplicate_keys_reject_every_copy(tmp_path):
    # "12.0" is the same id as "12" once normalised, so all three rows share a key.
    clean, result = check(
        tmp_path,
        "12,P1,2018-01-02,N,\n11,P2,2018-01-02,N,\n12.0,P1,2018-01-03,N,\n 12,P3,2018-01-04,N,\n",
    )
    assert clean["cine_referral_id"].tolist() == ["11"]
    assert [r[0] for r in reasons(result)] == [2, 4, 5]
    assert {r[3] for r in reasons(result)} == {"duplicate key: 3 rows share it (rows 2, 4, 5)"}


def test_blank_rows_are_counted_not_rejected(tmp_path):
    clean, result = check(tmp_path, "1,P1,2018-01-02,N,\n,,,,\n   ,, ,,\n2,P2,2018-01-02,N,\n")
    assert (result.read, result.loaded, result.rejected, result.blank) == (4, 2, 0, 2)


def test_missing_required_column_names_file_and_column(tmp_path):
    path = write(tmp_path, "ssd_cin_episodes.csv", "cine_referral_id,cine_referral_date\n1,2018\n")
    with pytest.raises(ExtractFileError) as error:
        read_and_check(REFERRALS, path)
    assert "ssd_cin_episodes.csv" in str(error.value)
    assert error.value.column == "cine_person_id"
    assert "required column missing" in str(error.value)


def test_header_names_match_ignoring_case_and_spaces_and_extras_are_kept(tmp_path):
    header = " CINE_Referral_ID ,Cine_Person_Id,cine_referral_date,local_note\n"
    clean, result = check(tmp_path, "1,P1,2018-01-02,hello\n", header=header)
    assert clean["local_note"].tolist() == ["hello"]
    assert any("optional column 'cine_close_date' is missing" in w for w in result.warnings)


def test_duplicated_column_names_are_an_error(tmp_path):
    path = write(tmp_path, "ssd_cin_episodes.csv", HEADER.strip() + ",cine_person_id\n")
    with pytest.raises(ExtractFileError, match="appears more than once") as error:
        read_and_check(REFERRALS, path)
    assert error.value.column == "cine_person_id"


def test_utf16_is_refused_with_a_request_for_utf8(tmp_path):
    path = write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2018-01-02,N,\n", "utf-16")
    with pytest.raises(ExtractFileError, match="UTF-16.*UTF-8"):
        read_and_check(REFERRALS, path)


def test_cp1252_and_bom_files_are_read(tmp_path):
    extract = EXTRACTS_BY_NAME["ssd_professionals"]
    header = "prof_professional_id,prof_professional_job_title\n"
    clean, _ = check(tmp_path, "W1,Social Worker – Café team\n", header, extract, encoding="cp1252")
    assert clean["prof_professional_job_title"].tolist() == ["Social Worker – Café team"]
    clean, _ = check(tmp_path, "W1,Équipe\n", header, extract, encoding="utf-8-sig")
    assert clean["prof_professional_id"].tolist() == ["W1"]


def test_empty_file_is_an_error_naming_the_file(tmp_path):
    path = write(tmp_path, "ssd_cin_episodes.csv", "")
    with pytest.raises(ExtractFileError, match="ssd_cin_episodes.csv: the file is empty"):
        read_and_check(REFERRALS, path)


def test_quoted_newlines_keep_spreadsheet_row_numbers(tmp_path):
    extract = EXTRACTS_BY_NAME["ssd_contacts"]
    header = "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_outcome_json\n"
    _, result = check(
        tmp_path, 'C1,P1,2018-01-02,"line one\nline two"\nC2,P2,bad,\n', header, extract
    )
    assert reasons(result)[0][0] == 3  # C2 is the second record: row 3, whatever the lines


def test_xlsx_first_sheet_with_real_excel_dates(tmp_path):
    frame = pd.DataFrame(
        {
            "cine_referral_id": [12.0, 13.0],  # Excel stores numbers as floats
            "cine_person_id": ["P1", "P2"],
            "cine_referral_date": [dt.datetime(2018, 1, 2, 9, 30), dt.datetime(2018, 1, 3)],
        }
    )
    path = tmp_path / "ssd_cin_episodes.xlsx"
    frame.to_excel(path, index=False)
    clean, result = read_and_check(REFERRALS, path)
    assert result.loaded == 2
    assert clean["cine_referral_id"].tolist() == ["12", "13"]
    assert clean["cine_referral_date"].tolist()[0] == pd.Timestamp("2018-01-02 09:30")


def test_parquet_with_typed_columns(tmp_path):
    frame = pd.DataFrame(
        {
            "cine_referral_id": ["1", "2"],
            "cine_person_id": ["P1", "P2"],
            "cine_referral_date": [dt.datetime(2018, 1, 2, 10), dt.datetime(2018, 1, 3)],
            "cine_referral_nfa": [True, False],
        }
    )
    path = tmp_path / "ssd_cin_episodes.parquet"
    frame.to_parquet(path)
    clean, result = read_and_check(REFERRALS, path)
    assert result.loaded == 2
    assert clean["cine_referral_nfa"].tolist() == [True, False]


def test_load_writes_raw_and_audit_and_they_add_up(tmp_path):
    write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2018-01-02,N,\n2,P2,bad,N,\n,,,,\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loaded_at = dt.datetime(2026, 1, 1)
    result = load_extract(con, REFERRALS, tmp_path, loaded_at)
    assert (result.read, result.loaded, result.rejected, result.blank) == (3, 1, 1, 1)
    assert con.execute("select count(*) from raw.ssd_cin_episodes").fetchone() == (1,)
    assert con.execute(
        "select extract, source_file, source_row, column_name, value, reason "
        "from audit.rejected_rows"
    ).fetchall() == [
        (
            "ssd_cin_episodes",
            "ssd_cin_episodes.csv",
            3,
            "cine_referral_date",
            "bad",
            "not a date (expected YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)",
        )
    ]
    # A reload replaces this extract's rejections rather than piling them up.
    load_extract(con, REFERRALS, tmp_path, loaded_at)
    assert con.execute("select count(*) from audit.rejected_rows").fetchone() == (1,)


def test_missing_file_loads_an_empty_table_with_a_warning(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    result = load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 1))
    assert result.read == 0 and result.source_file is None
    assert "loaded as empty" in result.warnings[0]
    columns = [r[0] for r in con.execute("describe raw.ssd_cin_episodes").fetchall()]
    assert "cine_referral_id" in columns


def test_a_failed_file_keeps_the_previous_load(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2018-01-02,N,\n")
    load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 1))
    write(tmp_path, "ssd_cin_episodes.csv", "cine_referral_id\n1\n")
    with pytest.raises(ExtractFileError):
        load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 2))
    assert con.execute("select count(*) from raw.ssd_cin_episodes").fetchone() == (1,)
    assert con.execute(
        "select status from audit.ingest_log order by loaded_at desc limit 1"
    ).fetchone() == ("failed",)


def test_a_large_excel_number_id_is_written_out_in_full(tmp_path):
    # Regression: repr(1e16) is "1e+16", which the ID rule kept as the id.
    frame = pd.DataFrame(
        {
            "cine_referral_id": [1e16],
            "cine_person_id": ["P1"],
            "cine_referral_date": [dt.datetime(2018, 1, 2)],
        }
    )
    path = tmp_path / "ssd_cin_episodes.xlsx"
    frame.to_excel(path, index=False)
    clean, _ = read_and_check(REFERRALS, path)
    assert clean["cine_referral_id"].tolist() == ["10000000000000000"]


def test_a_column_with_no_heading_is_reported(tmp_path):
    header = "cine_referral_id,,cine_person_id,cine_referral_date\n"
    _, result = check(tmp_path, "1,lost,P1,2018-01-02\n", header=header)
    assert result.loaded == 1
    assert any("1 column(s) with no heading are not loaded" in w for w in result.warnings)


def _staged_from_another_reader(con, table, source_file, rows):
    """A staged table as a reader of statutory returns would make it: VARCHAR columns named as
    the contract names them, with provenance; `_source_ref` an XML path."""
    con.execute(
        f"create table {table} (_source_file varchar, _source_row bigint, _source_ref varchar, "
        "cine_referral_id varchar, cine_person_id varchar, cine_referral_date varchar, "
        "cine_close_date varchar)"
    )
    con.executemany(
        f"insert into {table} values (?, ?, ?, ?, ?, ?, ?)",
        [(source_file, n, f"/Message/Children/Child[{n}]", *row) for n, row in rows],
    )


def test_stage_two_validates_staged_tables_from_any_reader_and_several_files():
    from orchestration.ingest.validate import StagedTable, load_staged

    con = duckdb.connect()
    # File a: a good row, an impossible date; file b: a good row, a blank required id, and the
    # key of a.xml's first row again (both copies rejected, the message naming both files).
    _staged_from_another_reader(con, "stage_a", "a.xml", [
        (1, ("R1", "P1", "2018-01-02", None)), (2, ("R2", "P2", "2018-02-30", None)),
        (3, ("R3", "P3", "2018-01-05", "2018-01-01"))])  # fmt: skip
    _staged_from_another_reader(con, "stage_b", "b.xml", [
        (1, ("R9", "P9", "2018-03-01", None)), (2, (" ", "P8", "2018-03-02", None)),
        (3, ("R1", "P7", "2018-03-03", None))])  # fmt: skip
    loaded_at = dt.datetime(2026, 1, 1)
    result = load_staged(
        con,
        REFERRALS,
        [StagedTable("stage_a", "a.xml"), StagedTable("stage_b", "b.xml")],
        loaded_at,
    )
    # read 6 = loaded 2 (a:3 with its close before the referral, b:1) + rejected 4
    assert (result.read, result.loaded, result.rejected, result.blank) == (6, 2, 4, 0)
    assert result.source_file == "a.xml, b.xml"
    duplicate = "duplicate key: 2 rows share it (a.xml row 1, b.xml row 3)"
    assert con.execute(
        "select source_file, source_row, column_name, value, reason, record_id "
        "from audit.rejected_rows order by source_file, source_row"
    ).fetchall() == [
        ("a.xml", 1, "cine_referral_id", "R1", duplicate, "R1"),
        ("a.xml", 2, "cine_referral_date", "2018-02-30",
         "impossible date (day is out of range for month)", "R2"),
        ("b.xml", 2, "cine_referral_id", " ", "required value is blank", None),
        ("b.xml", 3, "cine_referral_id", "R1", duplicate, "R1"),
    ]  # fmt: skip
    assert con.execute(
        "select _source_file, _source_row, _source_ref, cine_referral_id, cine_close_date "
        "from raw.ssd_cin_episodes order by _source_file"
    ).fetchall() == [
        ("a.xml", 3, "/Message/Children/Child[3]", "R3", dt.date(2018, 1, 1)),
        ("b.xml", 1, "/Message/Children/Child[1]", "R9", None),
    ]
    assert con.execute(
        "select source_file, status, rows_read, rows_loaded, rows_rejected from audit.ingest_log"
    ).fetchall() == [("a.xml, b.xml", "loaded", 6, 2, 4)]


def test_a_staged_table_without_a_required_column_is_refused_naming_file_and_column():
    from orchestration.ingest.validate import StagedTable, load_staged

    con = duckdb.connect()
    con.execute(
        "create table s as select 'x.xml' as _source_file, 1::bigint as _source_row, "
        "null::varchar as _source_ref, 'R1' as cine_referral_id, '2018-01-01' as "
        "cine_referral_date"
    )
    with pytest.raises(ExtractFileError) as error:
        load_staged(con, REFERRALS, [StagedTable("s", "x.xml")], dt.datetime(2026, 1, 1))
    assert error.value.column == "cine_person_id" and str(error.value).startswith("x.xml")


def test_an_unchanged_file_is_not_read_again_unless_its_last_load_failed(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2018-01-02,N,\n2,P2,bad,N,\n")
    first = load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 1), skip_unchanged=True)
    assert first.unchanged_since is None
    again = load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 2), skip_unchanged=True)
    # The same counts, from the load of 1 January; nothing logged or replaced.
    assert again.unchanged_since == dt.datetime(2026, 1, 1)
    assert (again.read, again.loaded, again.rejected) == (2, 1, 1)
    assert con.execute("select count(*) from audit.ingest_log").fetchone() == (1,)
    # A changed file loads; so does the same file after a failed load of another.
    write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2018-01-02,N,\n")
    changed = load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 3), skip_unchanged=True)
    assert changed.unchanged_since is None and changed.rejected == 0
    write(tmp_path, "ssd_cin_episodes.csv", "cine_referral_id\n1\n")
    with pytest.raises(ExtractFileError):
        load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 4), skip_unchanged=True)
    write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2018-01-02,N,\n")
    after = load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 5), skip_unchanged=True)
    assert after.unchanged_since is None
    # A rejection for a date in the future may not be one tomorrow: such a file always loads.
    write(tmp_path, "ssd_cin_episodes.csv", HEADER + "1,P1,2099-01-02,N,\n")
    load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 6), skip_unchanged=True)
    future = load_extract(con, REFERRALS, tmp_path, dt.datetime(2026, 1, 7), skip_unchanged=True)
    assert future.unchanged_since is None
