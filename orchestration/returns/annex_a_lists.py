"""What each Annex A list maps to, one function per list: `out` collects the rows (add) and
merges those several lists make of one record (merge: lists 3 and 6 for a CIN episode). `v`
holds the row's fields by the keys of the specification (annex_a/<year>.yaml), already
normalised; `child` is the child's id."""

from __future__ import annotations

from orchestration.returns import ids
from orchestration.returns.results import Source


def list_1(out, child: str, v: dict, source: Source) -> None:
    base = ids.contact(child, v["contact_date"])
    out.contact_ids[base] += 1
    # Two contacts of a child on one day: the second is "#2", in the sheet's row order.
    record_id = base if out.contact_ids[base] == 1 else f"{base}#{out.contact_ids[base]}"
    out.add(
        "ssd_contacts",
        {
            "cont_contact_id": record_id,
            "cont_person_id": child,
            "cont_contact_date": v["contact_date"],
            "cont_contact_source_code": v.get("contact_source"),
        },
        source,
    )


def list_3(out, child: str, v: dict, source: Source) -> None:
    out.merge(
        "ssd_cin_episodes",
        ids.referral(child, v["referral_date"]),
        {
            "cine_referral_id": ids.referral(child, v["referral_date"]),
            "cine_person_id": child,
            "cine_referral_date": v["referral_date"],
            "cine_referral_source_code": v.get("referral_source"),
            "cine_referral_nfa": v.get("referral_nfa"),
            "cine_referral_team": v.get("team"),
        },
        source,
    )


def list_4(out, child: str, v: dict, source: Source) -> None:
    out.add(
        "ssd_cin_assessments",
        {
            "cina_assessment_id": ids.assessment(child, v["assessment_start"]),
            "cina_person_id": child,
            "cina_assessment_start_date": v["assessment_start"],
            "cina_assessment_auth_date": v.get("assessment_authorised"),
            "cina_assessment_team": v.get("team"),
        },
        source,
    )


def list_5(out, child: str, v: dict, source: Source) -> None:
    s47_id = ids.s47(child, v["s47_start"])
    out.add(
        "ssd_s47_enquiry",
        {
            "s47e_s47_enquiry_id": s47_id,
            "s47e_person_id": child,
            "s47e_s47_start_date": v["s47_start"],
        },
        source,
    )
    if v.get("icpc_date"):
        out.add(
            "ssd_initial_cp_conference",
            {
                "icpc_icpc_id": ids.icpc(child, v["icpc_date"]),
                "icpc_person_id": child,
                "icpc_s47_enquiry_id": s47_id,
                "icpc_icpc_date": v["icpc_date"],
                "icpc_icpc_outcome_cp_flag": v.get("icpc_plan"),
            },
            source,
        )


def list_6(out, child: str, v: dict, source: Source) -> None:
    out.merge(
        "ssd_cin_episodes",
        ids.referral(child, v["cin_start"]),
        {
            "cine_referral_id": ids.referral(child, v["cin_start"]),
            "cine_person_id": child,
            "cine_referral_date": v["cin_start"],
            "cine_cin_primary_need_code": v.get("primary_need"),
            "cine_close_date": v.get("cin_closed"),
            "cine_close_reason": v.get("closure_reason"),
            "cine_referral_team": v.get("team"),
        },
        source,
    )


def list_7(out, child: str, v: dict, source: Source) -> None:
    out.add(
        "ssd_cp_plans",
        {
            "cppl_cp_plan_id": ids.cp_plan(child, v["cpp_start"]),
            "cppl_person_id": child,
            "cppl_cp_plan_start_date": v["cpp_start"],
            "cppl_cp_plan_end_date": v.get("cpp_end"),
            "cppl_cp_plan_initial_category": v.get("initial_category"),
            "cppl_cp_plan_latest_category": v.get("latest_category"),
        },
        source,
    )


def list_8(out, child: str, v: dict, source: Source) -> None:
    # One looked-after period as one episode from the day the child started to be looked
    # after: an episode that begins a period starts with reason S by definition. The list
    # gives only the current legal status and the most recent placement.
    start = v["cla_start"]
    period = ids.period_of_care(child, start)
    placement = ids.placement(child, v["placement_start"]) if v.get("placement_start") else None
    out.add(
        "ssd_cla_episodes",
        {
            "clae_cla_episode_id": ids.episode(child, start),
            "clae_person_id": child,
            "clae_cla_id": period,
            "clae_cla_episode_start_date": start,
            "clae_cla_episode_start_reason": "S",
            "clae_cla_episode_ceased_date": v.get("cla_ceased"),
            "clae_cla_episode_ceased_reason": v.get("reason_ceased"),
            "clae_entered_care_date": start,
            "clae_cla_placement_id": placement,
        },
        source,
    )
    if placement:
        out.add(
            "ssd_cla_placement",
            {
                "clap_cla_placement_id": placement,
                "clap_cla_id": period,
                "clap_person_id": child,
                "clap_cla_placement_start_date": v["placement_start"],
                "clap_cla_placement_end_date": v.get("cla_ceased"),
                "clap_cla_placement_type": v.get("placement_type"),
                "clap_cla_placement_provider": v.get("placement_provider"),
            },
            source,
        )
    if v.get("legal_status"):
        # Without its start date the status's row has no id or start: it goes to the
        # contract's validation as it is, which rejects it naming the column.
        status_start = v.get("legal_status_start")
        out.add(
            "ssd_legal_status",
            {
                "lega_legal_status_id": ids.legal_status(child, status_start)
                if status_start
                else None,
                "lega_person_id": child,
                "lega_legal_status": v["legal_status"],
                "lega_legal_status_start_date": status_start,
                "lega_legal_status_end_date": v.get("cla_ceased"),
            },
            source,
        )


def list_10(out, child: str, v: dict, source: Source) -> None:
    entered = v.get("entered_care")
    out.add(
        "ssd_permanence",
        {
            "perm_table_id": ids.permanence(child, v["adm_decision"]),
            "perm_person_id": child,
            "perm_cla_id": ids.period_of_care(child, entered) if entered else None,
            "perm_adm_decision_date": v["adm_decision"],
            "perm_placement_order_date": v.get("placement_order"),
            "perm_matched_date": v.get("matched"),
            "perm_placed_for_adoption_date": v.get("placed_for_adoption"),
            "perm_permanence_order_date": v.get("adoption_order"),
            "perm_permanence_order_type": "Adoption" if v.get("adoption_order") else None,
            "perm_decision_reversed_date": v.get("decision_reversed"),
        },
        source,
    )


LIST_MAPPERS = {
    "list_1": list_1,
    "list_3": list_3,
    "list_4": list_4,
    "list_5": list_5,
    "list_6": list_6,
    "list_7": list_7,
    "list_8": list_8,
    "list_10": list_10,
}
