"""Statutory returns through the ingest: staged, loaded by the same validation as the SSD
extracts, accounted for per file, and reconciled against an SSD extract supplying the same
extract (orchestration/returns/warehouse.py, reconcile.py, assets/ingest.py)."""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration import extracts as x
from orchestration.assets.ingest import _load
from orchestration.returns import warehouse as returns

FAKE = Path(__file__).parent / "fixtures" / "real-format" / "ssda903-d2i-fake"
LOADED_AT = dt.datetime(2026, 1, 1)
# The ingest assets' resource, as far as `_load` reads it: nothing is skipped as unchanged.
NO_SKIPPING = SimpleNamespace(may_skip_unchanged=False)


def ingest_folder(con, folder: Path) -> None:
    """What a build does before dbt: stage the returns, run every extract's ingest, then the
    account of every file."""
    returns.stage_returns(con, folder)
    for extract in x.EXTRACTS:
        _load(con, extract, folder, LOADED_AT, NO_SKIPPING)
    returns.write_source_files(con)


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


EPISODES_HEADER = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,"
    "URN\n"
)


@pytest.fixture
def mixed_folder(tmp_path) -> Path:
    """SSD extracts (people, CLA episodes) and a 2017-18 SSDA903 return (header, episodes) about
    the same children, with deliberate differences; and a file that is neither."""
    folder = tmp_path / "source"
    # The return: SEX 1 = M, 2 = F (2017-18 codes); dates DD/MM/YYYY.
    write(folder, "903/header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
          "C1,1,01/06/2010,WBRI,,,\n"
          "C2,2,15/03/2012,WBRI,,,\n"
          "C3,1,20/09/2008,APKN,,,\n"
          "C5,2,02/02/2011,WBRI,,,\n")  # fmt: skip
    write(folder, "903/episodes.csv", EPISODES_HEADER +
          "C1,01/05/2017,S,C2,N1,U1,PR1,,,,,,\n"
          "C2,10/06/2017,S,C2,N2,U1,PR1,20/12/2017,E11,,,,\n"
          "C3,01/09/2017,S,V2,N1,K2,PR1,,,,,,\n"
          "C5,01/11/2017,S,C2,N1,U1,PR1,,,,,,\n")  # fmt: skip
    # The SSD extracts.
    write(folder, "ssd_person.csv", "pers_person_id,pers_sex,pers_ethnicity,pers_dob,"
          "pers_expected_dob,pers_death_date\n"
          "C1,M,WBRI,2010-06-01,,\n"
          "C2,F,WBRI,2012-03-14,,\n"
          "C3,F,APKN,2008-09-20,,\n"
          "C4,M,WBRI,2009-01-01,,\n")  # fmt: skip
    write(folder, "ssd_cla_episodes.csv", "clae_cla_episode_id,clae_person_id,clae_cla_id,"
          "clae_cla_episode_start_date,clae_cla_episode_start_reason,clae_cla_episode_ceased_date,"
          "clae_cla_episode_ceased_reason,clae_entered_care_date,clae_cla_placement_id\n"
          "E1,C1,PC1,2017-05-01,L,,,2017-05-01,PL1\n"
          "E2,C2,PC2,2017-06-10,S,2017-12-21,E11,2017-06-10,PL2\n"
          "E3,C3,PC3,2017-09-01,S,,,2017-09-01,PL3\n"
          "E3B,C3,PC3B,2016-04-01,S,2016-08-01,E8,2016-04-01,PL3B\n"
          "E4,C4,PC4,2018-01-15,S,,,2018-01-15,PL4\n")  # fmt: skip
    write(folder, "notes.txt", "not a source file\n")
    return folder


def test_a_mixed_folder_uses_the_ssd_extract_and_lists_the_differences(mixed_folder):
    con = duckdb.connect()
    ingest_folder(con, mixed_folder)
    rows = con.execute(
        "select extract, record_id, match_value, difference, column_name, ssd_value, "
        "return_value from audit.source_reconciliation order by extract, record_id, difference, "
        "column_name"
    ).fetchall()
    # Worked out by hand from the fixture:
    # ssd_person (matched on the child alone; the return covers only its own children, so a
    # child only in the SSD extract, C4, is not listed):
    #   C1: same sex (1 = M), ethnicity and date of birth: nothing.
    #   C2: born 14 March in the SSD extract, 15 March in the return: pers_dob differs.
    #   C3: F in the SSD extract, 1 (M) in the return: pers_sex differs.
    #   C5: in the return only: missing from the SSD extract.
    # ssd_cla_episodes (matched on child + episode start date, over 1 April 2017 - 31 March
    # 2018, the return's year, within the SSD extract's own first and last start dates):
    #   C1 2017-05-01: started for reason L in the SSD extract, S in the return.
    #   C2 2017-06-10: ceased 21 December in the SSD extract, 20 December in the return.
    #   C3 2017-09-01: the same (its period starts that day in both: entered care agrees).
    #   C3 2016-04-01: before the return's year: not compared.
    #   C4 2018-01-15: in the SSD extract only: missing from the return.
    #   C5 2017-11-01: in the return only: missing from the SSD extract.
    assert rows == [
        ("ssd_cla_episodes", "C1", "2017-05-01", "different", "clae_cla_episode_start_reason",
         "L", "S"),
        ("ssd_cla_episodes", "C2", "2017-06-10", "different", "clae_cla_episode_ceased_date",
         "2017-12-21", "2017-12-20"),
        ("ssd_cla_episodes", "C4", "2018-01-15", "missing from the return", None, None, None),
        ("ssd_cla_episodes", "C5", "2017-11-01", "missing from the SSD extract", None, None,
         None),
        ("ssd_person", "C2", None, "different", "pers_dob", "2012-03-14", "2012-03-15"),
        ("ssd_person", "C3", None, "different", "pers_sex", "F", "M"),
        ("ssd_person", "C5", None, "missing from the SSD extract", None, None, None),
    ]  # fmt: skip
    # The return's side names where in the return the record is.
    assert con.execute(
        "select return_source_file, return_source_row, source_return, source_year "
        "from audit.source_reconciliation where record_id = 'C5' order by extract"
    ).fetchall() == [("903/episodes.csv", 5, "ssda903", "2017-18"),
                     ("903/header.csv", 5, "ssda903", "2017-18")]  # fmt: skip
    # The SSD extracts are what raw holds for the extracts they supply; the return supplies
    # the rest (placements, legal status), with its provenance on every row.
    sources = dict(con.execute("select extract, supplied_by from audit.extract_sources").fetchall())
    assert sources["ssd_person"] == sources["ssd_cla_episodes"] == "SSD extract"
    assert sources["ssd_cla_placement"] == sources["ssd_legal_status"] == "returns"
    assert sources["ssd_contacts"] is None
    assert con.execute("select count(*) from raw.ssd_person").fetchone()[0] == 4
    assert con.execute(
        "select clap_person_id, clap_cla_placement_type, _source_file, _source_row, "
        "_source_return, _source_year from raw.ssd_cla_placement order by 1"
    ).fetchall() == [
        ("C1", "U1", "903/episodes.csv", 2, "ssda903", "2017-18"),
        ("C2", "U1", "903/episodes.csv", 3, "ssda903", "2017-18"),
        ("C3", "K2", "903/episodes.csv", 4, "ssda903", "2017-18"),
        ("C5", "U1", "903/episodes.csv", 5, "ssda903", "2017-18"),
    ]


def test_every_file_is_listed_with_what_it_was_recognised_as(mixed_folder):
    con = duckdb.connect()
    ingest_folder(con, mixed_folder)
    files = con.execute(
        "select source_file, recognised_as, detail, status, reason, rows_read, rows_loaded, "
        "rows_rejected, rows_blank, rows_not_loaded from audit.source_files order by 1"
    ).fetchall()
    assert files == [
        # episodes.csv's rows feed the placements and legal status loaded from the return: loaded.
        ("903/episodes.csv", "SSDA903 table", "episodes", "loaded", None, 4, 4, 0, 0, 0),
        # header.csv's rows feed only ssd_person, which the SSD extract supplies.
        ("903/header.csv", "SSDA903 table", "header", "not loaded", None, 4, 0, 0, 0, 4),
        ("notes.txt", None, None, "ignored",
         "'.txt' files are not read (.csv, .xlsx, .parquet or .xml)", *[None] * 5),
        ("ssd_cla_episodes.csv", "SSD extract", "ssd_cla_episodes", "loaded", None, 5, 5, 0, 0,
         0),
        ("ssd_person.csv", "SSD extract", "ssd_person", "loaded", None, 4, 4, 0, 0, 0),
    ]  # fmt: skip
    notes = con.execute(
        "select notes from audit.source_files where source_file = '903/header.csv'"
    ).fetchone()[0]
    assert notes == "4 not loaded: the SSD extracts supply ssd_person"


def test_a_return_row_the_contract_rejects_names_file_xml_path_row_field_and_reason(tmp_path):
    # An SSDA903 XML return, nothing else: the children come from it. C1 is born in 2030, a
    # date the return's format accepts and the contract refuses (in the future); C2 is fine.
    folder = tmp_path / "source"
    children = [("C1", "01/01/2030"), ("C2", "05/05/2010")]
    body = "".join(
        f"<CHILD><HEADER><CHILDID>{child}</CHILDID><SEX>1</SEX><DOB>{dob}</DOB>"
        "<ETHNIC>WBRI</ETHNIC></HEADER><EPISODE><DECOM>01/05/2017</DECOM><RNE>S</RNE><LS>C2</LS>"
        "<CIN>N1</CIN><PL>U1</PL><PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE></CHILD>"
        for child, dob in children
    )
    write(folder, "return.xml", f"<?xml version='1.0'?><EXPSSDA903>{body}</EXPSSDA903>")
    con = duckdb.connect()
    ingest_folder(con, folder)
    rejected = con.execute(
        "select extract, source_file, source_ref, source_row, column_name, value, reason "
        "from audit.rejected_rows"
    ).fetchall()
    assert len(rejected) == 1
    extract, file, ref, row, column, value, reason = rejected[0]
    assert (extract, file, column, value) == ("ssd_person", "return.xml", "pers_dob", "2030-01-01")
    assert ref.startswith("/EXPSSDA903/CHILD[1]/HEADER") and row == 1
    assert reason == "date in the future or before 1900"
    assert con.execute("select pers_person_id from raw.ssd_person").fetchall() == [("C2",)]
    # The file's account: 2 headers and 2 episodes read; C1's header rejected, the rest loaded.
    assert con.execute(
        "select rows_read, rows_loaded, rows_rejected, rows_blank, rows_not_loaded "
        "from audit.source_files where source_file = 'return.xml'"
    ).fetchone() == (4, 3, 1, 0, 0)


def _open_on(decom: str, dec: str | None, day: dt.date) -> bool:
    def parse(text):
        return dt.datetime.strptime(text, "%d/%m/%Y").date()

    return parse(decom) <= day and (not dec or parse(dec) > day)


# The 2017-18 codes for an episode's ending and placement change (the fake return uses later
# years' E45-E48 and CUSTOD in places, which reject their rows).
_REC_2017_18 = set(
    "X1 E11 E12 E2 E3 E4A E4B E13 E41 E43 E44 E5 E6 E7 E9 E14 E15 E16 E17 E8".split()
)
_RPC_2017_18 = {"", "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD",
                "LAREQ", "PLACE", "OTHER"}  # fmt: skip


def _looked_after_in_raw(con, day: str) -> int:
    """Children with a period of care (clae_cla_id) open at the end of `day`, from raw."""
    return con.execute(
        "select count(distinct person) from (select any_value(clae_person_id) as person, "
        "min(clae_cla_episode_start_date) as started, max(coalesce(clae_cla_episode_ceased_date, "
        "date '9999-12-31')) as ended from raw.ssd_cla_episodes group by clae_cla_id) "
        "where started <= cast(? as date) and ended > cast(? as date)",
        [day, day],
    ).fetchone()[0]


def test_the_ssda903_xml_loads_the_children_looked_after_at_31_march_2018(tmp_path):
    folder = tmp_path / "source"
    folder.mkdir()
    (folder / "fake_903.xml").write_bytes((FAKE / "fake_903.xml").read_bytes())
    # Independent count with the standard library: children with an episode open at the end of
    # 31 March 2018 whose codes are 2017-18's.
    march = dt.date(2018, 3, 31)
    expected = set()
    for child in ET.parse(FAKE / "fake_903.xml").getroot().findall("CHILD"):
        for episode in child.findall("EPISODE"):
            if _open_on(episode.findtext("DECOM"), episode.findtext("DEC"), march) and (
                (episode.findtext("REC") or "") in _REC_2017_18 | {""}
                and (episode.findtext("REASON_PLACE_CHANGE") or "") in _RPC_2017_18
            ):
                expected.add(child.findtext("HEADER/CHILDID"))
    con = duckdb.connect()
    ingest_folder(con, folder)
    assert _looked_after_in_raw(con, "2018-03-31") == len(expected) > 0
    account = con.execute(
        "select rows_read, rows_loaded + rows_rejected + rows_blank + rows_not_loaded "
        "from audit.source_files where source_file = 'fake_903.xml'"
    ).fetchone()
    assert account[0] == account[1] > 0


def test_reviews_dated_after_the_collection_year_are_rejected(tmp_path):
    # Data to Insight's fake 2017-18 return has reviews dated up to 2026; a 2017-18 return can
    # hold none after 31 March 2018. Counted with csv: every such review is rejected, by name.
    with open(FAKE / "reviews.csv", newline="", encoding="utf-8-sig") as handle:
        later = [
            n
            for n, r in enumerate(csv.DictReader(handle), start=2)
            if dt.datetime.strptime(r["REVIEW"], "%d/%m/%Y").date() > dt.date(2018, 3, 31)
        ]
    from orchestration.returns.folder import read_folder
    from orchestration.returns.ssda903_map import AFTER_YEAR

    folder = tmp_path / "2017-18"
    folder.mkdir()
    for name in ("header.csv", "episodes.csv", "reviews.csv"):
        (folder / name).write_bytes((FAKE / name).read_bytes())
    result = read_folder(tmp_path)
    after = sorted(r.source.row for r in result.combined.rejections if r.reason == AFTER_YEAR)
    assert after == later and len(later) == 5042
    assert max(r["clar_cla_review_date"] for r in result.combined.tables["ssd_cla_reviews"]) <= (
        "2018-03-31"
    )


def test_care_leavers_reconcile_on_the_person_and_birthday_age(tmp_path):
    # The SSD extract of care leavers' outcomes is made from the return's own rows as loaded,
    # then changed twice on purpose: the first young person's in_touch is changed, the last is
    # left out. Exactly those two differences are listed (an extract with its own column named
    # person_id, matched on person_id + birthday_age).
    folder = tmp_path / "source"
    year = folder / "2017-18"
    year.mkdir(parents=True)
    for name in ("header.csv", "episodes.csv", "oc3.csv"):
        (year / name).write_bytes((FAKE / name).read_bytes())
    con = duckdb.connect()
    ingest_folder(con, folder)
    rows = con.execute(
        "select person_id, date_of_birth, birthday_age, in_touch, activity, accommodation "
        "from raw.ext_care_leaver_outcomes order by person_id, birthday_age"
    ).fetchall()
    assert len(rows) > 2
    first, last = rows[0], rows[-1]
    changed = "NO" if first[3] != "NO" else "YES"
    lines = ["person_id,date_of_birth,birthday_age,in_touch,activity,accommodation"]
    for row in rows[:-1]:
        values = list(row)
        if row == first:
            values[3] = changed
        lines.append(",".join("" if v is None else str(v) for v in values))
    write(folder, "ext_care_leaver_outcomes.csv", "\n".join(lines) + "\n")
    ingest_folder(con, folder)
    assert con.execute(
        "select record_id, matched_on, match_value, difference, column_name, ssd_value, "
        "return_value from audit.source_reconciliation order by difference"
    ).fetchall() == [
        (first[0], "birthday_age", str(first[2]), "different", "in_touch", changed, first[3]),
        (last[0], "birthday_age", str(last[2]), "missing from the SSD extract", None, None, None),
    ]
