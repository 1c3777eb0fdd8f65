"""The SSDA903 return, as CSV tables and as XML, on Data to Insight's fake return
(tests/fixtures/real-format/ssda903-d2i-fake) and on small hand-made returns.

The independent counts here use the standard library only (csv, xml.etree), never project code.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from orchestration.returns.ssda903_read import read_ssda903_tables, read_ssda903_xml

FAKE = Path(__file__).parent / "fixtures" / "real-format" / "ssda903-d2i-fake"
MARCH_2018 = dt.date(2018, 3, 31)

# DfE's 2017-18 code lists for the episode fields this test's filter needs (the SSDA903 guide
# 2017-18; E45-E48 and CUSTOD arrive in 2018-19). Written out here, not read from the project.
REC_2017_18 = set("X1 E11 E12 E2 E3 E4A E4B E13 E41 E43 E44 E5 E6 E7 E9 E14 E15 E16 E17 E8".split())
RPC_2017_18 = set("CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE OTHER".split())


def _uk_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _open_on(decom: str, dec: str | None, day: dt.date) -> bool:
    # Looked after at the end of `day`: started on or before it, not ceased by its end.
    return _uk_date(decom) <= day and (not dec or _uk_date(dec) > day)


def _valid_2017_18(rec: str | None, rpc: str | None) -> bool:
    return (not rec or rec in REC_2017_18) and (not rpc or rpc in RPC_2017_18)


def _looked_after_by_periods(result, day: str) -> set[str]:
    """Children looked after at the end of `day` as the warehouse counts them
    (int_cla__periods_of_care): a period runs from its first episode's start to its last
    episode's end, by the mapped ssd_cla_episodes' clae_cla_id."""
    periods: dict[str, list[dict]] = {}
    for row in result.tables["ssd_cla_episodes"]:
        periods.setdefault(row["clae_cla_id"], []).append(row)
    children = set()
    for rows in periods.values():
        rows.sort(key=lambda r: (r["clae_cla_episode_start_date"], r["clae_cla_episode_id"]))
        start, end = (
            rows[0]["clae_cla_episode_start_date"],
            rows[-1]["clae_cla_episode_ceased_date"],
        )
        if start <= day and (end is None or end > day):
            children.add(rows[0]["clae_person_id"])
    return children


@pytest.fixture(scope="module")
def csv_return():
    return read_ssda903_tables(sorted(FAKE.glob("*.csv")))


@pytest.fixture(scope="module")
def xml_return():
    return read_ssda903_xml(FAKE / "fake_903.xml")


def test_csv_tables_give_the_children_looked_after_at_31_march_2018(csv_return):
    # Independent count: every episodes.csv row open at the end of 31 March 2018, keeping only
    # rows whose episode-ending and placement-change codes are 2017-18 codes (the fake data uses
    # 2018-19's E45-E48 and CUSTOD in places; the 2017-18 specification rejects those rows).
    with open(FAKE / "episodes.csv", newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    expected = {
        r["CHILD"]
        for r in rows
        if _open_on(r["DECOM"], r["DEC"], MARCH_2018)
        and _valid_2017_18(r["REC"], r["REASON_PLACE_CHANGE"])
    }
    everyone = {r["CHILD"] for r in rows if _open_on(r["DECOM"], r["DEC"], MARCH_2018)}
    assert csv_return.year == "2017-18"
    assert len(expected) == 1296 and len(everyone) == 1419  # the file's own figures, by csv
    assert _looked_after_by_periods(csv_return, "2018-03-31") == expected
    # The 123 children between the two are exactly those whose open episode was rejected for a
    # later year's code, each named by its CSV row.
    rejected_rows = {x.source.row for x in csv_return.rejections if x.source.file == "episodes.csv"}
    open_rejected = {
        r["CHILD"]
        for row_number, r in enumerate(rows, start=2)
        if row_number in rejected_rows and _open_on(r["DECOM"], r["DEC"], MARCH_2018)
    }
    assert open_rejected == everyone - expected


def test_xml_gives_the_children_looked_after_at_31_march_2018(xml_return):
    root = ET.parse(FAKE / "fake_903.xml").getroot()
    expected, everyone = set(), set()
    for child in root.findall("CHILD"):
        child_id = child.findtext("HEADER/CHILDID")
        for episode in child.findall("EPISODE"):
            decom, dec = episode.findtext("DECOM"), episode.findtext("DEC")
            if _open_on(decom, dec, MARCH_2018):
                everyone.add(child_id)
                if _valid_2017_18(episode.findtext("REC"), episode.findtext("REASON_PLACE_CHANGE")):
                    expected.add(child_id)
    assert xml_return.year == "2017-18"
    assert len(everyone) == 134
    assert _looked_after_by_periods(xml_return, "2018-03-31") == expected


def test_read_as_2018_19_every_open_episode_counts(tmp_path):
    # The same file with its year given as 2018-19, whose code lists hold E45-E48 and CUSTOD:
    # nothing is rejected for its codes, so the count is the file's whole 1,419 (csv above).
    result = read_ssda903_tables([FAKE / "episodes.csv", FAKE / "header.csv"], year="2018-19")
    assert not [x for x in result.rejections if x.field in ("REC", "REASON_PLACE_CHANGE")]
    assert len(_looked_after_by_periods(result, "2018-03-31")) == 1419


def test_every_csv_row_is_accounted_for(csv_return):
    by_file = {a.file: a for a in csv_return.files}
    for name, account in by_file.items():
        if account.error:
            continue
        with open(FAKE / name, newline="", encoding="utf-8-sig") as handle:
            data_rows = sum(1 for _ in csv.reader(handle)) - 1
        assert account.read == data_rows, name
        assert account.balanced, account.summary()
    # Tables the contract has no extract for are read and counted as not loaded, with why.
    assert by_file["oc2.csv"].not_loaded == by_file["oc2.csv"].read == 2675
    assert by_file["missing.csv"].not_loaded_reasons
    # sw_episodes begin in 2023-24: the 2017-18 return's table is refused, saying so.
    assert "from 2023-24" in by_file["sw_episodes.csv"].error


def test_every_xml_record_is_accounted_for(xml_return):
    (account,) = xml_return.files
    root = ET.parse(FAKE / "fake_903.xml").getroot()
    # Records: per CHILD its HEADER, each EPISODE, AREVIEW, AMISSING, OC2, PERMANENCE,
    # AD_PLACED, and the HEADER-level OC3 (IN_TOUCH), AD1 (DATE_INT) and UASC (DUC) records.
    expected = 0
    for child in root.findall("CHILD"):
        header = child.find("HEADER")
        expected += 1 + len(child.findall("EPISODE"))
        expected += sum(len(header.findall(t)) for t in ("AREVIEW", "AMISSING", "OC2"))
        expected += sum(len(header.findall(t)) for t in ("PERMANENCE", "AD_PLACED"))
        expected += sum(header.find(t) is not None for t in ("IN_TOUCH", "DATE_INT", "DUC"))
    assert account.read == expected == 2454
    assert account.balanced, account.summary()


def test_rejections_name_file_row_field_and_reason(csv_return):
    # episodes.csv: the first data row whose REC is E45-E48 (2018-19 codes), found with csv.
    with open(FAKE / "episodes.csv", newline="", encoding="utf-8-sig") as handle:
        first = next(
            n
            for n, r in enumerate(csv.DictReader(handle), start=2)
            if r["REC"] in ("E45", "E46", "E47", "E48")
        )
    rejection = next(
        x
        for x in csv_return.rejections
        if x.source.file == "episodes.csv" and x.source.row == first
    )
    assert rejection.field == "REC"
    assert rejection.reason == "not a code of the year's code list"
    assert rejection.source_year == "2017-18" and rejection.extract == "ssd_cla_episodes"


def test_sex_1_2_become_m_f_and_dates_iso(csv_return):
    persons = {r["pers_person_id"]: r for r in csv_return.tables["ssd_person"]}
    # header.csv's first row: 566910,2,27/03/2008,WROM
    assert persons["566910"]["pers_sex"] == "F"
    assert persons["566910"]["pers_dob"] == "2008-03-27"
    assert Counter(r["pers_sex"] for r in persons.values()).keys() <= {"M", "F"}


def test_episode_ids_and_provenance(csv_return):
    # episodes.csv rows 2 and 3: 566910 from 15/02/2016 (L, ceased X1 14/08/2017) then from
    # 14/08/2017 (T): one period, two placements, ids from CHILD + DECOM.
    rows = {r["clae_cla_episode_id"]: r for r in csv_return.tables["ssd_cla_episodes"]}
    first, second = rows["566910:ep:2016-02-15"], rows["566910:ep:2017-08-14"]
    assert first["clae_cla_id"] == second["clae_cla_id"] == "566910:poc:2016-02-15"
    # The first known episode starts with L, not S: the period began before this return.
    assert first["clae_entered_care_date"] is None
    assert first["clae_cla_placement_id"] == "566910:pl:2016-02-15"
    assert second["clae_cla_placement_id"] == "566910:pl:2017-08-14"
    assert (first["_source_file"], first["_source_row"], first["_source_ref"]) == (
        "episodes.csv",
        2,
        "episodes",
    )
    assert (first["_source_return"], first["_source_year"]) == ("ssda903", "2017-18")


def _write(folder: Path, name: str, header: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"


def test_2024_25_sex_codes_and_placement_codes(tmp_path):
    # 2024-25: SEX is M/F/U (a 1 is rejected); H5 is withdrawn, K3 new.
    header = _write(
        tmp_path, "h.csv", HEADER, "1,M,01/01/2010,WBRI,A1,,", "2,1,01/01/2011,WBRI,A2,,"
    )
    episodes = _write(
        tmp_path,
        "e.csv",
        EPISODES,
        "1,01/05/2024,S,C2,N1,K3,PR1,,,,,,",
        "2,01/06/2024,S,C2,N1,H5,PR1,,,,,,",
    )
    result = read_ssda903_tables([header, episodes])
    assert result.year == "2024-25"
    persons = {r["pers_person_id"]: r["pers_sex"] for r in result.tables["ssd_person"]}
    assert persons == {"1": "M"}
    assert {(x.source.file, x.field) for x in result.rejections} == {
        ("h.csv", "SEX"),
        ("e.csv", "PLACE"),
    }
    placements = result.tables["ssd_cla_placement"]
    assert [p["clap_cla_placement_type"] for p in placements] == ["K3"]


def test_2025_26_placement_codes_extended(tmp_path):
    episodes = _write(
        tmp_path,
        "e.csv",
        EPISODES,
        "1,01/05/2025,S,C2,N1,Z11,,,,,,,",
        "2,01/06/2025,S,C2,N1,Z1,,,,,,,",
    )
    result = read_ssda903_tables([episodes])
    assert result.year == "2025-26"
    assert [p["clap_cla_placement_type"] for p in result.tables["ssd_cla_placement"]] == ["Z11"]
    assert [(x.source.row, x.field) for x in result.rejections] == [(3, "PLACE")]


def test_sw_episodes_from_2023_24(tmp_path):
    episodes = _write(tmp_path, "e.csv", EPISODES, "7,01/05/2023,S,C2,N1,U1,PR1,,,,,,")
    sw = _write(
        tmp_path,
        "sw.csv",
        "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON",
        "7,01/01/2012,SW1,01/05/2023,01/09/2023,MANAGE",
    )
    result = read_ssda903_tables([episodes, sw])
    assert result.year == "2023-24"
    (row,) = result.tables["ssd_involvements"]
    assert row["invo_involvements_id"] == "7:sw:SW1:2023-05-01"
    assert row["invo_professional_role_id"] == "ALLOCATED_CASE_WORKER"
    assert (row["invo_involvement_start_date"], row["invo_involvement_end_date"]) == (
        "2023-05-01",
        "2023-09-01",
    )


def test_year_unknown_is_refused_naming_the_years_known(tmp_path):
    episodes = _write(tmp_path, "e.csv", EPISODES, "1,01/05/2016,S,C2,N1,U1,PR1,,,,,,")
    result = read_ssda903_tables([episodes])
    (account,) = result.files
    assert "2016-17" in account.error
    assert "2017-18, 2018-19" in account.error and "2025-26" in account.error


def test_tables_without_episodes_need_the_year(tmp_path):
    header = _write(tmp_path, "h.csv", HEADER, "1,1,01/01/2010,WBRI,A1,,")
    (account,) = read_ssda903_tables([header]).files
    assert "episodes" in account.error and "give the year" in account.error
    given = read_ssda903_tables([header], year="2017-18")
    assert given.tables["ssd_person"][0]["pers_sex"] == "M"


def test_periods_placements_and_legal_status_from_the_chain(tmp_path):
    # Child 9: S on 01/04/2017 (C2, U4), an L change on 01/06/2017 (C2 -> E1, same U4, same
    # carers: the placement continues), a P change on 01/09/2017 (E1, A4, placed for adoption),
    # ending E11 (adopted) on 01/02/2018. Then a new period on 01/03/2018 after a gap.
    episodes = _write(
        tmp_path,
        "e.csv",
        EPISODES,
        "9,01/04/2017,S,C2,N1,U4,PR1,01/06/2017,X1,,,,",
        "9,01/06/2017,L,E1,N1,U4,PR1,01/09/2017,X1,CHILD,,,",
        "9,01/09/2017,P,E1,N1,A4,PR1,01/02/2018,E11,,,,",
        "9,01/03/2018,S,V2,N1,U1,PR1,,,,,,",
    )
    ad1 = _write(
        tmp_path,
        "ad1.csv",
        "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
        "9,01/01/2015,15/07/2017,20/08/2017,0,2,MF,L0",
    )
    result = read_ssda903_tables([episodes, ad1])
    episodes_out = result.tables["ssd_cla_episodes"]
    assert [e["clae_cla_id"] for e in episodes_out] == ["9:poc:2017-04-01"] * 3 + [
        "9:poc:2018-03-01"
    ]
    assert [e["clae_entered_care_date"] for e in episodes_out] == ["2017-04-01"] * 3 + [
        "2018-03-01"
    ]
    placements = [
        (p["clap_cla_placement_id"], p["clap_cla_placement_type"], p["clap_cla_placement_end_date"])
        for p in result.tables["ssd_cla_placement"]
    ]
    assert placements == [
        ("9:pl:2017-04-01", "U4", "2017-09-01"),  # two episodes: the L change kept the placement
        ("9:pl:2017-09-01", "A4", "2018-02-01"),
        ("9:pl:2018-03-01", "U1", None),
    ]
    statuses = [
        (s["lega_legal_status"], s["lega_legal_status_start_date"], s["lega_legal_status_end_date"])
        for s in result.tables["ssd_legal_status"]
    ]
    assert statuses == [
        ("C2", "2017-04-01", "2017-06-01"),
        ("E1", "2017-06-01", "2018-02-01"),
        ("V2", "2018-03-01", None),
    ]
    (journey,) = result.tables["ssd_permanence"]
    assert journey["perm_table_id"] == "9:perm:2017-07-15"
    assert journey["perm_cla_id"] == "9:poc:2017-04-01"
    assert journey["perm_placement_order_date"] == "2017-06-01"  # the E1 status began
    assert journey["perm_matched_date"] == "2017-08-20"
    assert journey["perm_placed_for_adoption_date"] == "2017-09-01"  # the A4 placement
    assert (journey["perm_permanence_order_date"], journey["perm_permanence_order_type"]) == (
        "2018-02-01",
        "Adoption",
    )


def test_care_leaver_birthday_age(tmp_path):
    # 2017-18 runs 1 April 2017 to 31 March 2018: born 30/03/2001, the 17th birthday is
    # 30/03/2018; born 10/04/2000, the 17th was 10/04/2017.
    episodes = _write(tmp_path, "e.csv", EPISODES, "1,01/05/2017,S,C2,N1,U1,PR1,,,,,,")
    oc3 = _write(
        tmp_path,
        "oc3.csv",
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
        "5,30/03/2001,YES,F1,S1",
        "6,10/04/2000,NO,G5,U2",
    )
    result = read_ssda903_tables([episodes, oc3])
    ages = {r["person_id"]: r["birthday_age"] for r in result.tables["ext_care_leaver_outcomes"]}
    assert ages == {"5": "17", "6": "17"}


def test_not_well_formed_xml_fails_naming_its_line(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(
        "<EXPSSDA903>\n<CHILD>\n<HEADER><CHILDID>1</CHILDID>\n</CHILD>\n</EXPSSDA903>\n"
    )
    (account,) = read_ssda903_xml(broken).files
    assert "line 4" in account.error and "not well-formed" in account.error


def test_xml_entities_are_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE EXPSSDA903 [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<EXPSSDA903>&b;</EXPSSDA903>\n'
    )
    (account,) = read_ssda903_xml(bomb).files
    assert "refused" in account.error


def test_xml_records_outside_the_layout_are_listed_as_not_loaded(tmp_path):
    source = tmp_path / "extra.xml"
    shutil.copy(FAKE / "fake_903.xml", source)
    text = source.read_text(encoding="ascii")
    text = text.replace("</CHILD>", "<SOMETHING><X>1</X></SOMETHING></CHILD>", 1)
    source.write_text(text, encoding="ascii")
    (account,) = read_ssda903_xml(source).files
    assert account.balanced
    assert account.not_loaded_reasons["XML element SOMETHING is not in the SSDA903 XML layout"] == 1
