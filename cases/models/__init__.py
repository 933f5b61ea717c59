"""The bureau's records (台账). One module per ledger; everything is re-exported here."""

from .accountability import AccountabilityAction, AccountablePerson
from .attachments import Attachment
from .audit import AuditEntry
from .backlog import BacklogEntry
from .bureau import Bureau, Holiday, HolidayYear, Membership, Unit
from .imports import ImportedRows, ImportLog, ImportValueMapping
from .jobs import Job
from .numbering import CaseNumberCounter
from .order import OrderCase, OrderPerson
from .outreach import (
    NormativeDocument,
    OutreachEvent,
    RoadmapPosting,
    SupervisionItem,
    Volunteer,
)
from .people import CasePerson, Petitioner
from .petitions import PetitionCase
from .screenings import DisputeScreening

__all__ = [
    "AccountabilityAction",
    "AccountablePerson",
    "Attachment",
    "AuditEntry",
    "BacklogEntry",
    "Bureau",
    "CaseNumberCounter",
    "CasePerson",
    "DisputeScreening",
    "Holiday",
    "HolidayYear",
    "ImportLog",
    "ImportValueMapping",
    "ImportedRows",
    "Job",
    "Membership",
    "NormativeDocument",
    "OrderCase",
    "OrderPerson",
    "OutreachEvent",
    "PetitionCase",
    "Petitioner",
    "RoadmapPosting",
    "SupervisionItem",
    "Unit",
    "Volunteer",
]
