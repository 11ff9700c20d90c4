"""Every write to the register, one module by area; each public service checks its
own permission first. Internal writers (a leading underscore) check nothing.

Public pages learn of a publication through ``queries.register_changed``,
which every write to the public register calls; the few other writes that
reach a public page at once (which campaigns defend a person, a photo's
consent withdrawn) call ``habeas.core.pagecache.public_changed`` themselves.
Working records, restricted facts and shares change no public page.
"""

from habeas.cases.services.defending import (
    campaign_person_add,
    campaign_person_remove,
    case_share_grant,
    case_share_revoke,
)
from habeas.cases.services.facilities import (
    FacilityFacts,
    facility_choose,
    facility_confirm,
    facility_reject,
)
from habeas.cases.services.imports import ImportRefused, register_import
from habeas.cases.services.publishing import (
    person_verify,
    publish,
    publish_many,
)
from habeas.cases.services.records import (
    CitedSource,
    SourceFacts,
    detention_add,
    event_add,
    person_photo_set,
    person_save,
    recognition_save,
    restricted_save,
    source_for,
    status_add,
)

__all__ = [
    "CitedSource",
    "FacilityFacts",
    "ImportRefused",
    "SourceFacts",
    "campaign_person_add",
    "campaign_person_remove",
    "case_share_grant",
    "case_share_revoke",
    "detention_add",
    "event_add",
    "facility_choose",
    "facility_confirm",
    "facility_reject",
    "person_photo_set",
    "person_save",
    "person_verify",
    "publish",
    "publish_many",
    "recognition_save",
    "register_import",
    "restricted_save",
    "source_for",
    "status_add",
]
