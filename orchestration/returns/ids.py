"""Record ids for what the returns do not id. Each is the child's id (as the return has it), a
tag for the kind of record and the record's own start date (YYYY-MM-DD), so the same record gets
the same id in every year's return and in every return that holds it (a referral in the CIN
census and in Annex A's lists 3 and 6). An SSDA903 episode is "566910:ep:2016-02-15" (CHILD +
DECOM: DfE's validation allows one episode per child per start date).

Derived records (a period of care, a placement, a legal status spell) take the start date of
their first episode: their ids are as stable as the history behind them, and change only when an
earlier year's return shows the period began before the first episode loaded so far.
"""

from __future__ import annotations


def _id(child: str, tag: str, *parts: str) -> str:
    return ":".join((child, tag, *parts))


def episode(child: str, start: str) -> str:
    return _id(child, "ep", start)


def period_of_care(child: str, start: str) -> str:
    return _id(child, "poc", start)


def placement(child: str, start: str) -> str:
    return _id(child, "pl", start)


def legal_status(child: str, start: str) -> str:
    return _id(child, "ls", start)


def review(child: str, held: str) -> str:
    return _id(child, "rv", held)


def permanence(child: str, decision: str) -> str:
    """An adoption journey, from the decision that the child should be placed for adoption."""
    return _id(child, "perm", decision)


def permanence_order(child: str, made: str) -> str:
    """A special guardianship or child arrangements order ending care (no adoption decision)."""
    return _id(child, "order", made)


def involvement(child: str, worker: str, start: str) -> str:
    return _id(child, "sw", worker, start)


def referral(child: str, received: str) -> str:
    return _id(child, "ref", received)


def assessment(child: str, start: str) -> str:
    return _id(child, "asmt", start)


def s47(child: str, start: str) -> str:
    return _id(child, "s47", start)


def icpc(child: str, held: str) -> str:
    return _id(child, "icpc", held)


def cp_plan(child: str, start: str) -> str:
    return _id(child, "cpp", start)


def contact(child: str, received: str) -> str:
    return _id(child, "contact", received)
