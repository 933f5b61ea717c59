"""Petitioners (信访人) as people: one record per person of a bureau, linked to any number of
cases. A case keeps its own text columns (petitioner_name, _id_number, _phone), which the lists,
the search, the masks and the import read; registration fills them from the person."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.scoping import scoped_manager
from cases.validators import validate_id_number, validate_phone

from .base import Record


class Petitioner(Record):
    """A natural person who petitions the bureau."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("住址"), max_length=200, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("信访人")
        verbose_name_plural = _("信访人")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "id_number"],
                condition=~Q(id_number=""),
                name="petitioner_id_number_unique_per_bureau",
                violation_error_message=_("该身份证号的信访人已登记，请直接选用。"),
            )
        ]
        indexes = [
            models.Index(fields=["bureau", "id_number"], name="petitioner_bureau_id_number"),
            models.Index(fields=["bureau", "phone"], name="petitioner_bureau_phone"),
            models.Index(fields=["bureau", "name"], name="petitioner_bureau_name"),
        ]

    def __str__(self) -> str:
        # Shown where no permission is checked (titles, breadcrumbs, the trail's list): masked.
        return privacy.mask_name(self.name)

    def clean(self):
        self.name = (self.name or "").strip()
        self.id_number = (self.id_number or "").strip().upper()
        self.phone = (self.phone or "").strip()


class CasePerson(models.Model):
    """A person of a case: its petitioner, or one of a group's persons (集体访) — at least its
    representatives (代表)."""

    case = models.ForeignKey(
        "cases.PetitionCase", on_delete=models.CASCADE, related_name="persons", verbose_name=_("信访事项")
    )
    petitioner = models.ForeignKey(
        Petitioner, on_delete=models.PROTECT, related_name="case_links", verbose_name=_("信访人")
    )
    representative = models.BooleanField(_("代表"), default=False)

    objects = scoped_manager(bureau="case__bureau")

    class Meta:
        verbose_name = _("信访事项人员")
        verbose_name_plural = _("信访事项人员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "petitioner"],
                name="case_person_once",
                violation_error_message=_("同一信访人在本事项中只能列一次。"),
            )
        ]

    def __str__(self) -> str:
        return privacy.mask_name(self.petitioner.name) if self.petitioner_id else ""
