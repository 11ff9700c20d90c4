"""Which demands may be printed as placards: a campaign's common demands and its
member organisations' own slogans, as the public sees the united front."""

from __future__ import annotations

from dataclasses import dataclass

from habeas.coalition.models import Campaign, Demand, Organisation
from habeas.coalition.queries import DemandRow, DemandStatus, united_front


class PlacardKind:
    COMMON = "COMMON"
    OWN = "OWN"


@dataclass(frozen=True)
class Placard:
    """One printable demand: whose it is, and the languages it can be printed in."""

    demand: Demand
    kind: str
    # The organisation whose own slogan it is; None for a common demand.
    organisation: Organisation | None

    @property
    def languages(self) -> tuple[str, ...]:
        """English always; Urdu only where the demand has Urdu words (never faked)."""
        return ("en", "ur") if self.demand.text_ur.strip() else ("en",)

    @property
    def is_common(self) -> bool:
        return self.kind == PlacardKind.COMMON


@dataclass(frozen=True)
class Placards:
    common: list[Placard]
    own: list[Placard]

    def __bool__(self) -> bool:
        return bool(self.common or self.own)


def _shown(row: DemandRow) -> bool:
    # A hidden demand's words leave every public page, placards included.
    return row.notice is None


def campaign_placards(campaign: Campaign) -> Placards:
    """The campaign's placards, as the united front stands now.

    Common demands (endorsed by the quorum on their current wording) come first,
    in the order they were proposed; then each active member's own slogans
    (endorsed by their proposer alone), in the order the members joined.
    Withdrawn demands are never included (the united front leaves them out), nor
    is any demand under a HiddenNotice that stands, nor a demand that is merely
    proposed. Reads as many rows as ``united_front`` does (six queries).
    """
    front = united_front(campaign)
    common = [
        Placard(row.demand, PlacardKind.COMMON, None)
        for row in front.common_demands
        if _shown(row)
    ]
    own = [
        Placard(row.demand, PlacardKind.OWN, block.membership.organisation)
        for block in front.blocks
        for row in block.slogans
        if row.status == DemandStatus.OWN and _shown(row)
    ]
    return Placards(common, own)


def campaign_placard(campaign: Campaign, demand_id: int) -> Placard | None:
    """The placard of demand ``demand_id`` if it is one of ``campaign_placards``;
    None for a demand of another campaign, a hidden, withdrawn or merely proposed one."""
    placards = campaign_placards(campaign)
    for placard in (*placards.common, *placards.own):
        if placard.demand.pk == demand_id:
            return placard
    return None
