"""The children's social work workforce census XML (a Message of CSWWWorker records) into the
contract's extracts: every worker (ssd_professionals, by their Social Work England number) and,
for those in post on the census date (30 September: no RoleEndDate, or one after it), the
month-end workforce snapshot of that day (ext_workforce_snapshots).

The census counts registered children and family social workers only, so every snapshot row is
a qualified social worker. The census's caseload (Cases30) has no column in the contract's
snapshot (the warehouse counts caseload from ssd_involvements), so it is not loaded; nor are its
absence and leaver details, or the authority's vacancy totals (LALevelVacancies).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.returns.cin_census import census_year
from orchestration.returns.results import FileAccount, MappedReturn, contract_row
from orchestration.returns.safe_xml import XmlFileError, parse_xml
from orchestration.returns.xml_records import validate_records, walk_records
from orchestration.returns.year_specs import CSWW, UnknownYear, load_spec

RECOGNISED_AS = "workforce census XML"
NOT_LOADED = {"vacancies": "the contract has no extract for an authority's vacancy totals"}


def read_csww(path: Path, name: str | None = None, year: str | None = None) -> MappedReturn:
    name = name or path.name
    account = FileAccount(name, RECOGNISED_AS, CSWW)
    result = MappedReturn(CSWW, None, [account])
    try:
        root = parse_xml(path)
        result.year = year or census_year(root, month=9)
        spec = load_spec(CSWW, result.year)
    except (XmlFileError, UnknownYear, ValueError) as exc:
        account.error = str(exc)
        return result
    account.year = result.year
    if not spec.source_checked:
        account.warnings.append(
            f"no published {result.year} workforce census schema was in the sources: the year is "
            "read as the specification file says (assumed unchanged)"
        )
    records = walk_records(root, spec.body["records"], name)
    validate_records(records, spec, result, NOT_LOADED)
    census_day = spec.reference_date.isoformat()
    for record in records:
        if record.kind != "worker" or record.values is None:
            continue
        v = record.values
        worker = v["SWENo"]
        _add(
            result,
            "ssd_professionals",
            {
                "prof_professional_id": worker,
                "prof_social_worker_registration_no": worker,
                "prof_full_time_equivalency": v["FTE"],
                "prof_agency_worker_flag": v["AgencyWorker"],
            },
            record,
        )
        if v["RoleEndDate"] is None or v["RoleEndDate"] > census_day:
            _add(
                result,
                "ext_workforce_snapshots",
                {
                    "snapshot_date": census_day,
                    "prof_professional_id": worker,
                    "role": v["OrgRole"],
                    "qualified_social_worker": "Y",
                    "agency_worker": v["AgencyWorker"],
                    "fte": v["FTE"],
                },
                record,
            )
    result.ledger.fill(account)
    return result


def _add(result: MappedReturn, extract: str, values: dict, record) -> None:
    row = contract_row(extract, values, record.source, CSWW, result.year)
    result.tables.setdefault(extract, []).append(row)
    result.ledger.mapped(record.source)
