from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.scoping import scoped_manager

from .base import Record, local_today


class BacklogEntry(Record):
    """A case on the bureau's list of 信访积案 (long-standing petitions not resolved, often repeat
    petitions over years): when the bureau listed it and when it was resolved (化解) and taken
    off the list. The bureau keeps this list itself — no statute defines 积案 — so it is a
    ledger, not a state derived from the cases. A case is listed at most once at a time.

    The figures (indicators.registry): 存量 = on the list at the start of the year (listed before
    1 January, not resolved before it), 增量 = listed in the year; each with how many were
    resolved in the year."""

    case = models.ForeignKey(
        "cases.PetitionCase",
        on_delete=models.PROTECT,
        related_name="backlog_entries",
        verbose_name=_("信访事项"),
    )
    listed_on = models.DateField(_("列入积案日期"))
    resolved_on = models.DateField(_("化解日期"), null=True, blank=True, help_text=_("化解后销号的日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True, help_text=_("列入理由、包案领导、化解情况等"))

    objects = scoped_manager()

    class Meta:
        verbose_name = _("信访积案")
        verbose_name_plural = _("信访积案")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("listed_on")),
                name="backlog_resolved_after_listed",
                violation_error_message=_("化解日期不能早于列入积案日期。"),
            ),
        ]
        indexes = [models.Index(fields=["bureau", "listed_on", "resolved_on"], name="backlog_bureau_listed")]

    def __str__(self) -> str:
        return f"{self.case} {self.listed_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.listed_on and self.listed_on > local_today():
            errors["listed_on"] = _("列入积案日期不能晚于今天。")
        if self.resolved_on and self.resolved_on > local_today():
            errors["resolved_on"] = _("化解日期不能晚于今天。")
        elif self.resolved_on and self.listed_on and self.resolved_on < self.listed_on:
            errors["resolved_on"] = _("化解日期不能早于列入积案日期。")
        if self.case_id and self.bureau_id and self.case.bureau_id != self.bureau_id:
            errors["case"] = _("只能列入本局的信访事项。")
        elif self.case_id and self.listed_on and self.listed_on < self.case.received_on:
            errors["listed_on"] = _("列入积案日期不能早于该信访事项的登记日期（%(day)s）。") % {
                "day": self.case.received_on
            }
        if self.case_id and self.listed_on and not errors and self._overlaps():
            # On the list once at a time: no other entry of the case overlaps this one.
            errors["case"] = _("该信访事项已在积案名单上（列入后尚未化解）。")
        if errors:
            raise ValidationError(errors)

    # The case's other entries as (listed_on, resolved_on), when the caller already knows them:
    # the Excel import reads them for a whole batch of rows at once, with the rows of the file
    # checked before (cases.ledgers.resources.BacklogEntryResource). None: asked of the database.
    known_others: list[tuple] | None = None

    def _overlaps(self) -> bool:
        if self.known_others is None:
            others = BacklogEntry.objects.filter(case_id=self.case_id).exclude(pk=self.pk)
            overlapping = others.filter(Q(resolved_on__isnull=True) | Q(resolved_on__gte=self.listed_on))
            if self.resolved_on:
                overlapping = overlapping.filter(listed_on__lte=self.resolved_on)
            return overlapping.exists()
        return any(
            (resolved is None or resolved >= self.listed_on)
            and (self.resolved_on is None or listed <= self.resolved_on)
            for listed, resolved in self.known_others
        )
