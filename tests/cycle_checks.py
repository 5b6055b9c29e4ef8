"""What the table-driven cycle tests of both policies check the same way (contract cycle.md)."""

from __future__ import annotations


def judged_places(cases, lines: dict) -> set:
    """(file, line) of every review and acceptance row a case expects in quarantine."""
    return {place for case in cases
            for places, judged in ((lines[case.id]["reviews"], case.reviews_quarantined),
                                   (lines[case.id]["acceptances"], case.acceptances_quarantined))
            for place, reason in zip(places, judged) if reason is not None}
