"""Writing persons and registering a case from its person (HackSoft style: keyword-only service
functions, each validating, writing and logging in one transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import numbering, repeats
from cases.audit import diff, log_action, snapshot
from cases.models import AuditEntry, CasePerson, PetitionCase, Petitioner


@dataclass(frozen=True)
class PersonData:
    """A person as the clerk typed it (a new one) or picked it (`pk`)."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    pk: int | None = None
    representative: bool = False


def petitioner_get_or_create(*, bureau, user, data: PersonData) -> Petitioner:
    """The bureau's person picked by id, or the one with this ID number, or a new one (validated
    and logged). A picked person's missing phone or address is filled in from what was typed."""
    if data.pk is not None:
        person = Petitioner.objects.filter(bureau=bureau, pk=data.pk).first()
        if person is None:
            raise ValidationError({"petitioner": _("所选信访人不存在。")})
        return person
    id_number = data.id_number.strip().upper()
    person = Petitioner.objects.filter(bureau=bureau, id_number=id_number).first() if id_number else None
    if person is not None:
        return person
    person = Petitioner(
        bureau=bureau,
        name=data.name.strip(),
        id_number=id_number,
        phone=data.phone.strip(),
        address=data.address.strip(),
    )
    if not person.name:
        raise ValidationError({"petitioner_name": _("请填写信访人姓名。")})
    try:
        person.full_clean()
    except ValidationError as exc:
        raise ValidationError(_person_errors(exc)) from None
    person.save()
    log_action(person, user=user, action=AuditEntry.Action.CREATE, changes=diff({}, snapshot(person)))
    return person


def _person_errors(exc: ValidationError) -> dict:
    names = {"name": "petitioner_name", "id_number": "petitioner_id_number", "phone": "petitioner_phone"}
    if not hasattr(exc, "error_dict"):
        return {"petitioner_name": exc.messages}
    return {names.get(k, "petitioner_name" if k == "__all__" else k): v for k, v in exc.message_dict.items()}


def check_head_count(head_count: int, listed: int) -> None:
    if head_count and listed > head_count:
        raise ValidationError(
            {
                "head_count": _("列出了%(names)d名信访人，人数却为%(count)d：人数不能少于列出的人数。")
                % {"names": listed, "count": head_count}
            }
        )


@transaction.atomic
def case_register(
    *,
    bureau,
    user,
    person: PersonData,
    others: Iterable[PersonData] = (),
    **fields,
) -> PetitionCase:
    """Register a case from its person (picked or new) and, for a group visit, its other persons
    or representatives. Fills the case's petitioner columns from the persons, derives 初次/重复
    (cases.repeats), computes the due dates, saves, logs, and marks the earlier cases of the same
    matter as no longer 一次性化解. Raises ValidationError (Chinese, per field) and writes nothing."""
    others = list(others)
    check_head_count(fields.get("head_count") or 1, 1 + len(others))
    if not fields.get("number") and fields.get("received_on"):
        # The next number of the year, taken in this transaction: a refused registration gives it back.
        fields["number"] = numbering.next_case_number(bureau=bureau, year=fields["received_on"].year)
    main = petitioner_get_or_create(bureau=bureau, user=user, data=person)
    rest = [(petitioner_get_or_create(bureau=bureau, user=user, data=o), o.representative) for o in others]
    listed = [main, *[p for p, _rep in rest]]
    if len({p.pk for p in listed}) != len(listed):
        raise ValidationError({"head_count": _("同一信访人在本事项中只能列一次。")})
    case = PetitionCase(
        bureau=bureau,
        petitioner=main,
        petitioner_name="、".join(p.name for p in listed),
        petitioner_id_number=main.id_number,
        petitioner_phone=main.phone,
        **fields,
    )
    case.full_clean()
    case.refresh_due_dates(bureau.calendar())
    repeats.refresh(case)
    case.save()
    CasePerson.objects.bulk_create(
        [CasePerson(case=case, petitioner=main)]
        + [CasePerson(case=case, petitioner=p, representative=r) for p, r in rest]
    )
    changes = diff({}, snapshot(case))
    if len(listed) > 1:
        changes[f"{CasePerson._meta.verbose_name}·新增"] = ["", "；".join(p.name for p in listed) + "；"]
    log_action(case, user=user, action=AuditEntry.Action.CREATE, changes=changes)
    repeats.propagate(case, user=user)
    return case
