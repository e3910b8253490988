"""backbone_share: at least `share` of the rotating teachers are backbone teachers."""

from __future__ import annotations

from tests.rules.results import only_row
from tests.tiny import solve_checked, two_school_county


def test_backbone_share_hard_sends_enough_backbone_teachers():
    result = solve_checked(
        two_school_county(
            overrides=[
                "rotation_quota.rate=0.4",
                "capacity.max_departure_share=0.5",
                "backbone_share.share=0.5",
                "capacity.min_backbone_retained=0.3",
            ]
        )
    )
    share = only_row(result, "backbone_share", "东区")
    assert share.achieved >= share.target == 2
    assert share.status == "met"


def test_backbone_share_elastic_shows_missing_backbone_teachers():
    # 4 rotate, 60 % → 3 backbone needed; U1 has 3 backbone and must keep 2 (50 %, rounded up).
    result = solve_checked(
        two_school_county(
            overrides=[
                "rotation_quota.rate=0.4",
                "capacity.max_departure_share=0.5",
                "backbone_share.share=0.6",
                "backbone_share.mode=elastic",
            ]
        )
    )
    share = only_row(result, "backbone_share", "东区")
    assert (share.target, share.achieved, share.shortfall) == (3, 1, 2)
