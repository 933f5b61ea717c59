"""The person look-up of registration: a term (an ID number, a phone number, or the start of a
name) → the bureau's matching persons and each one's earlier cases.

Two indexed queries whatever the ledger's size: the persons (Petitioner, on (bureau, id_number),
(bureau, phone) or (bureau, name) — a name prefix as a range, which an index answers on SQLite and
PostgreSQL alike), then their cases (by petitioner, or by the same ID number, on their indexes),
newest first, bounded. An ID number or phone number typed in full also finds cases registered
before persons were kept (imports, history), by the case's own indexed columns; those are shown as
an unrecorded person (no record to pick: registering creates one).

Without `cases.view_personal_data` every name, ID number and phone is masked (cases.privacy), and
a name prefix finds nobody: a masked name is no key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from cases import privacy, repeats
from cases.models import Petitioner
from cases.validators import PHONE

MAX_PERSONS = 20
MAX_CASES = 10  # per person
ID_TERM = re.compile(r"^\d{17}[\dXx]$")
# The end of a prefix range: above every character a name can continue with.
_PREFIX_END = "\U0010ffff"


@dataclass
class CaseRow:
    pk: int
    number: str
    received_on: object
    subject_area: str
    unit: str
    state: str
    subject_area_raw: str = ""
    unit_id: int | None = None

    def as_json(self) -> dict:
        return {
            "id": self.pk,
            "number": self.number,
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "subject_area": self.subject_area,
            "responsible_unit": self.unit,
            "state": self.state,
        }


@dataclass
class Person:
    pk: int | None  # None: known only from earlier cases' own columns
    name: str
    id_number: str
    phone: str
    address: str = ""
    cases: list[CaseRow] = field(default_factory=list)
    more_cases: bool = False

    def repeat_of(self, *, subject_area: str, unit_id: int | None, since) -> CaseRow | None:
        """The latest of this person's listed cases of the same matter (cases.repeats) received
        on or after `since`: a new case on it will be a repeat petition."""
        for row in self.cases:  # newest first
            if row.received_on < since:
                break
            if row.subject_area_raw == subject_area and row.unit_id == unit_id:
                return row
        return None

    def as_json(self) -> dict:
        return {
            "id": self.pk,
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
            "cases": [c.as_json() for c in self.cases],
            "more_cases": self.more_cases,
        }


@dataclass
class Result:
    term: str
    kind: str  # "id_number", "phone", "name", "" (nothing to look up)
    persons: list[Person]
    masked: bool


def kind_of(term: str) -> str:
    if ID_TERM.match(term):
        return "id_number"
    if PHONE.match(term):
        return "phone"
    if term and not term.isdigit():
        return "name"
    return ""


def lookup(term: str, *, bureau, user) -> Result:
    term = (term or "").strip()[:50]
    kind = kind_of(term)
    see = privacy.can_see_personal_data(user)
    if kind == "id_number":
        term = term.upper()
    if not kind or (kind == "name" and not see):
        return Result(term, kind, [], not see)

    persons = Petitioner.objects.filter(bureau=bureau)
    if kind == "id_number":
        persons = persons.filter(id_number=term)
    elif kind == "phone":
        persons = persons.filter(phone=term)
    else:
        # A range, which the (bureau, name) index answers (LIKE does not, on SQLite or on a
        # PostgreSQL database not in the C collation); startswith keeps it exact whatever the
        # collation orders after the prefix.
        persons = persons.filter(name__gte=term, name__lt=term + _PREFIX_END, name__startswith=term)
    # An exact term is one person (or a few): no ORDER BY, which would draw SQLite to the name
    # index; a name prefix reads the (bureau, name) index in its order.
    persons = persons.order_by("name", "id") if kind == "name" else persons.order_by()
    found = sorted(persons[:MAX_PERSONS], key=lambda p: (p.name, p.pk))  # query 1

    by_person = Q(petitioner_id__in=[p.pk for p in found]) if found else Q(pk__in=[])
    ids = [p.id_number for p in found if p.id_number]
    if ids:
        by_person |= Q(petitioner_id_number__in=ids)
    if kind == "id_number":
        by_person |= Q(petitioner_id_number=term)
    elif kind == "phone":
        by_person |= Q(petitioner_phone=term)
    limit = MAX_CASES * max(len(found), 1) + 1
    cases = list(
        repeats.bureau_cases(bureau.pk)
        .filter(by_person)
        .select_related("responsible_unit")
        .only(
            "number",
            "received_on",
            "subject_area",
            "responsible_unit__name",
            "closed_on",
            "petitioner_id",
            "petitioner_name",
            "petitioner_id_number",
            "petitioner_phone",
        )
        .order_by("-received_on", "-id")[:limit]
    )  # query 2

    people = [Person(p.pk, p.name, p.id_number, p.phone, p.address) for p in found]
    by_pk = {p.pk: p for p in people}
    by_id = {p.id_number: p for p in people if p.id_number}
    unrecorded: dict[tuple, Person] = {}
    for case in cases:
        person = by_pk.get(case.petitioner_id) or by_id.get(case.petitioner_id_number)
        if person is None:
            key = (case.petitioner_id_number or case.petitioner_phone, case.petitioner_name)
            person = unrecorded.get(key)
            if person is None and len(people) < MAX_PERSONS:
                person = unrecorded[key] = Person(
                    None, case.petitioner_name, case.petitioner_id_number, case.petitioner_phone
                )
                people.append(person)
            if person is None:
                continue
        if len(person.cases) >= MAX_CASES:
            person.more_cases = True
            continue
        person.cases.append(
            CaseRow(
                case.pk,
                case.number,
                case.received_on,
                case.subject_area or "—",
                case.responsible_unit.name if case.responsible_unit_id else "—",
                "已办结" if case.closed_on else "在办",
                case.subject_area,
                case.responsible_unit_id,
            )
        )
    if not see:
        for person in people:
            person.name = privacy.mask_name(person.name)
            person.id_number = privacy.mask_id_number(person.id_number)
            person.phone = privacy.mask_phone(person.phone)
            person.address = privacy.mask_address(person.address)
    return Result(term, kind, people, not see)
