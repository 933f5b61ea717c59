"""One resource per ledger: its columns, what identifies a row, and how related rows are kept.

Identity (what makes a re-import update a record instead of adding a second one):
- 信访事项: the case number (信访件编号), unique per bureau.
- 矛盾纠纷排查: date found + township + kind + description.
- 责任追究: date + unit held accountable + recommendation type.
- 扰序案件: date + place + conduct.
- 普法宣传活动: date + kind + title.
- 普法志愿者: name + date joined.
- 信访积案: the case's number (信访件编号) + the day it was listed (列入积案日期). A case is on the
  list at most once at a time, but may come back to it after being resolved: the day it was
  listed tells those entries apart, and a re-import that corrects 化解日期 or 说明 updates the
  entry. The case must already be in the case ledger (import that first); the row names it by
  number only, so the sheet holds no personal data (the petitioner is on the case's page).
Two rows of one file with the same identity are an error, never silently merged.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import privacy
from cases.models import (
    AccountabilityAction,
    AccountablePerson,
    BacklogEntry,
    DisputeScreening,
    OrderCase,
    OrderPerson,
    OutreachEvent,
    PetitionCase,
    Volunteer,
)
from cases.scoping import including_voided

from . import cells, columns, people
from .cells import CellError

LOOKUP_CHUNK = 500  # stays under SQLite's bound-parameter limit however many identity fields


class LedgerResource:
    """A ledger's columns. A column of a personal field carries that field's mask (cases.privacy),
    applied in exports for viewers without the permission; the importer refuses masked cells there."""

    kind: str
    model: type[Model]
    columns: tuple[columns.Column, ...]
    identity: tuple[str, ...]
    derived_fields: tuple[str, ...] = ()  # set by prepare()/finish(), written with the columns
    unique_identity = False  # whether the database holds at most one record per identity, voided or not

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "columns" in cls.__dict__:
            cls.columns = tuple(
                c if c.related else dataclasses.replace(c, mask=privacy.mask_for(cls.model, c.field))
                for c in cls.columns
            )

    @classmethod
    def get_display_name(cls) -> str:  # what django-import-export's views call a resource
        return str(cls.model._meta.verbose_name)

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def required_columns(self) -> list[columns.Column]:
        return [c for c in self.columns if c.required]

    @property
    def identity_headers(self) -> list[str]:
        by_field = {c.field: c.header for c in self.columns}
        return [by_field[name] for name in self.identity]

    def key(self, values: dict) -> tuple:
        return tuple(values.get(name) for name in self.identity)

    def key_of(self, obj) -> tuple:
        return tuple(getattr(obj, name) for name in self.identity)

    def existing(self, bureau, keys: list[tuple]) -> dict[tuple, Model]:
        """Records of the bureau with these identities, one query per chunk of keys."""
        found = {}
        first = self.identity[0]
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            values = {k[0] for k in chunk}
            wanted = set(chunk)
            # No ORDER BY: the models' default ordering made SQLite walk the bureau's whole
            # (bureau, received_on) index, row by row, instead of seeking each key.
            for obj in self.model.objects.filter(bureau=bureau, **{f"{first}__in": values}).order_by():
                key = self.key_of(obj)
                if key in wanted:
                    found[key] = obj
        return found

    def prepare(self, obj, ctx) -> None:
        """Fill what the sheet implies before validation."""

    # Fields old ledgers never kept: a row without one is taken with a warning instead of refused,
    # because no figure needs it. Each gap: (warning, the field, the figures of indicators.registry
    # that leave such rows out, when it holds for the record). tests/cases/ledgers/test_import_values.py
    # checks the figures against the registry.
    gaps: tuple[tuple[str, str, tuple[str, ...], object], ...] = ()

    def gaps_of(self, obj) -> dict[str, tuple[str, tuple[str, ...]]]:
        """field → (warning, figures left out) for each gap of old ledgers `obj` has."""
        return {name: (warning, figures) for warning, name, figures, holds in self.gaps if holds(obj)}

    def finish(self, obj, ctx) -> None:
        """Derived columns, after validation passed."""

    # Related rows (persons, linked cases): only ledgers with `related` columns use these.
    def related_of(self, objs: list) -> dict[int, dict]:
        return {}

    def save_related(self, objs_with_related: list[tuple[Model, dict]], *, replace: bool) -> None:
        pass

    def export_queryset(self, queryset):
        return queryset

    def export_context(self, objs) -> dict:
        return {}


class PetitionCaseResource(LedgerResource):
    kind = "cases"
    model = PetitionCase
    identity = ("number",)
    unique_identity = True  # case_number_unique_per_bureau: a voided case keeps its number
    derived_fields = (
        "routing",
        "routing_due_on",
        "unit_acceptance_due_on",
        "handling_due_on",
        "review_due_on",
        "recheck_due_on",
    )
    C = PetitionCase
    columns = (
        columns.text("信访件编号", "number", required=True),
        columns.date("登记日期", "received_on", required=True),
        columns.choice(
            "信访形式",
            "channel",
            C.Channel,
            required=True,
            synonyms={
                "信": "来信",
                "信件": "来信",
                "访": "来访",
                "走访": "来访",
                "上访": "来访",
                "网信": "网上信访",
                "网络": "网上信访",
                "来电": "电话",
                "电话信访": "电话",
            },
        ),
        columns.text("信访人", "petitioner_name", required=True),
        columns.text("身份证号", "petitioner_id_number"),
        columns.text("联系电话", "petitioner_phone"),
        columns.integer("人数", "head_count", default=1),
        columns.boolean("是否初次信访", "is_initial", default=True),
        columns.choice(
            "诉求类型",
            "category",
            C.Category,
            required=True,
            synonyms={"举报": "检举控告类", "求决": "申诉求决类", "投诉": "申诉求决类"},
        ),
        columns.text("问题领域", "subject_area"),
        columns.text("主要诉求", "summary"),
        columns.unit("责任单位", "responsible_unit"),
        columns.choice(
            "来源",
            "source",
            C.Source,
            default=C.Source.LOCAL,
            synonyms={
                "本级": "本级受理",
                "省交办": "中央/省交办",
                "中央交办": "中央/省交办",
                "省": "中央/省交办",
                "市": "市交办",
                "市级交办": "市交办",
            },
        ),
        columns.choice(
            "转交方式", "routing", C.Routing, no=C.Routing.NONE.label, synonyms={"直接受理": "本机关直接受理"}
        ),
        columns.date("转送交办日期", "routed_on"),
        columns.date("异议提出日期", "objection_on"),
        columns.boolean("转送异议成立", "objection_sustained"),
        columns.date("受理告知日期", "accepted_on"),
        columns.date("责任单位受理日期", "unit_accepted_on"),
        columns.choice(
            "处理途径",
            "handling_path",
            C.HandlingPath,
            default=C.HandlingPath.PETITION,
            synonyms={
                "信访": "信访程序办理",
                "法定途径": "导入法定途径",
                "诉讼": "诉访分离（政法部门）",
                "政法": "诉访分离（政法部门）",
            },
        ),
        columns.integer("延期天数", "extension_days"),
        columns.boolean("延期已批准", "extension_approved"),
        columns.date("延期批准日期", "extension_approved_on"),
        columns.text("延期理由", "extension_reason"),
        columns.date("办结日期", "closed_on"),
        columns.choice("处理结果", "outcome", C.Outcome, no=C.Outcome.NONE.label),
        columns.boolean("一次性化解", "resolved_first_time"),
        columns.choice(
            "复查复核", "review", C.Review, no=C.Review.NONE.label, yes=(C.Review.REVIEW.label, C.Review.RECHECK.label)
        ),
        columns.date("复查复核申请日期", "review_requested_on"),
        columns.date("复查复核决定日期", "review_decided_on"),
        columns.date("复核申请日期", "recheck_requested_on"),
        columns.date("复核决定日期", "recheck_decided_on"),
        columns.choice(
            "满意度评价",
            "satisfaction",
            C.Satisfaction,
            synonyms={
                "非常满意": "满意",
                "很满意": "满意",
                "比较满意": "基本满意",
                "较满意": "基本满意",
                "未评": "未评价",
                "无": "未评价",
            },
        ),
    )
    del C

    gaps = (
        (
            gettext_lazy("异议成立但无异议日期"),
            "objection_on",
            (),
            lambda c: c.objection_sustained and not c.objection_on,
        ),
        (
            gettext_lazy("申请复核但无复查决定日期"),
            "recheck_requested_on",
            (),
            lambda c: c.recheck_requested_on and not c.review_decided_on,
        ),
        (
            gettext_lazy("有复核决定日期但无复核申请日期"),
            "recheck_decided_on",
            (),
            lambda c: c.recheck_decided_on and not c.recheck_requested_on,
        ),
    )

    def existing(self, bureau, keys):
        found = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            numbers = [k[0] for k in keys[start : start + LOOKUP_CHUNK]]
            # No ORDER BY, so that SQLite seeks each number in the (bureau, number) unique index
            # instead of reading the bureau's cases in received order (quadratic in an import).
            for obj in PetitionCase.objects.filter(bureau=bureau, number__in=numbers).order_by():
                found[(obj.number,)] = obj
        return found

    def prepare(self, obj, ctx):
        # Many ledgers record the routing date without saying how; a date alone means 转送.
        if obj.routed_on and not obj.routing:
            obj.routing = PetitionCase.Routing.TRANSFER

    def finish(self, obj, ctx):
        ctx.warnings.update(obj.refresh_due_dates(ctx.calendar))


class DisputeScreeningResource(LedgerResource):
    kind = "screenings"
    model = DisputeScreening
    identity = ("found_on", "unit_id", "kind", "description")
    columns = (
        columns.date("排查日期", "found_on", required=True),
        columns.unit("乡镇（街道）", "unit", required=True),
        columns.text("纠纷类型", "kind", required=True),
        columns.text("简要情况", "description"),
        columns.choice(
            "化解状态",
            "status",
            DisputeScreening.Status,
            default=DisputeScreening.Status.IN_PROGRESS,
            required=True,
            synonyms={
                "已调处": "已化解",
                "调处成功": "已化解",
                "化解成功": "已化解",
                "已解决": "已化解",
                "正在化解": "化解中",
                "调处中": "化解中",
                "未解决": "未化解",
            },
            yes=(DisputeScreening.Status.RESOLVED.label,),  # 是否化解：是
            no=(DisputeScreening.Status.IN_PROGRESS.label, DisputeScreening.Status.UNRESOLVED.label),  # 否: asked
        ),
        columns.date("化解日期", "resolved_on"),
    )


def _person_reader(build):
    def read(value, ctx):
        return [build(name, attrs, ctx) for name, attrs in people.split(columns.unquote(value))]

    return read


def _clean_person(model, parent: str, **values) -> None:
    """A person goes through full_clean() like any row (its parent record is not saved yet)."""
    try:
        model(**values).full_clean(exclude=[parent], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "；".join(m for messages in exc.message_dict.values() for m in messages)
        raise CellError(_("“%(name)s”：%(problems)s") % {"name": values["name"], "problems": problems}) from None


def _accountable(name, attrs, ctx):
    if len(attrs) > 2:
        raise CellError(_("“%(name)s”的括号内最多填写职务和处理方式两项") % {"name": name})
    attrs = [*attrs, "", ""]
    _clean_person(AccountablePerson, "action", name=name, position=attrs[0], measure=attrs[1])
    return (name, attrs[0], attrs[1])


def _case_numbers(value, ctx):
    numbers = [n for n in re.split(r"[、，,；;\s]+", cells.fold(cells.text(columns.unquote(value)))) if n]
    missing = [n for n in numbers if n not in ctx.case_ids]
    if missing:
        raise CellError(_("未找到信访件编号：%(numbers)s") % {"numbers": "、".join(missing)})
    return sorted(ctx.case_ids[n] for n in set(numbers))


class AccountabilityResource(LedgerResource):
    kind = "accountability"
    model = AccountabilityAction
    identity = ("decided_on", "unit_id", "kind")
    columns = (
        columns.date("日期", "decided_on", required=True),
        columns.choice(
            "建议类型",
            "kind",
            AccountabilityAction.Kind,
            default=AccountabilityAction.Kind.ACCOUNTABILITY,
            synonyms={"追责": "追究责任建议", "问责": "追究责任建议"},
        ),
        columns.unit("被追责单位", "unit", required=True),
        columns.related(
            "责任人",
            "persons",
            _person_reader(_accountable),
            lambda v, ctx: people.join([(_shown(AccountablePerson, "name", n, ctx), [p, m]) for n, p, m in v]),
        ),
        columns.text("追责措施", "measure"),
        columns.boolean("建议已采纳", "adopted", default=True),
        columns.related(
            "关联信访件编号",
            "cases",
            _case_numbers,
            lambda v, ctx: "、".join(sorted(ctx.case_numbers[i] for i in v)) or None,
        ),
        columns.text("备注", "note"),
    )

    def related_of(self, objs):
        ids = [o.pk for o in objs]
        result = defaultdict(lambda: {"persons": [], "cases": []})
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            for p in AccountablePerson.objects.filter(action_id__in=chunk).order_by("id"):
                result[p.action_id]["persons"].append((p.name, p.position, p.measure))
            through = AccountabilityAction.cases.through
            for action_id, case_id in through.objects.filter(accountabilityaction_id__in=chunk).values_list(
                "accountabilityaction_id", "petitioncase_id"
            ):
                result[action_id]["cases"].append(case_id)
        for value in result.values():
            value["cases"].sort()
        return result

    def save_related(self, items, *, replace):
        through = AccountabilityAction.cases.through
        if replace:
            ids = [obj.pk for obj, _r in items]
            for start in range(0, len(ids), LOOKUP_CHUNK):
                chunk = ids[start : start + LOOKUP_CHUNK]
                AccountablePerson.objects.filter(action_id__in=chunk).delete()
                through.objects.filter(accountabilityaction_id__in=chunk).delete()
        AccountablePerson.objects.bulk_create(
            AccountablePerson(action=obj, name=n, position=p, measure=m)
            for obj, related in items
            for n, p, m in related.get("persons", ())
        )
        through.objects.bulk_create(
            through(accountabilityaction_id=obj.pk, petitioncase_id=case_id)
            for obj, related in items
            for case_id in related.get("cases", ())
        )

    def export_context(self, objs):
        related = self.related_of(objs)
        case_ids = {i for r in related.values() for i in r["cases"]}
        numbers = dict(PetitionCase.objects.filter(pk__in=case_ids).values_list("pk", "number")) if case_ids else {}
        return {"related": related, "case_numbers": numbers}


_MEASURES = {cells.header(str(label)): value for value, label in OrderPerson.Measure.choices}
_MEASURE_LABELS = dict(OrderPerson.Measure.choices)


def _order_person(name, attrs, ctx):
    if not attrs or not attrs[0]:
        raise CellError(_("请在“%(name)s”后的括号内填写处理措施，如“%(name)s（警告）”") % {"name": name})
    if len(attrs) > 2:
        raise CellError(_("“%(name)s”的括号内最多填写处理措施和身份证号两项") % {"name": name})
    measure = _MEASURES.get(cells.header(attrs[0]))
    if measure is None:
        options = "、".join(str(label) for label in _MEASURE_LABELS.values())
        raise CellError(
            _("“%(value)s”不是可选的处理措施（可选：%(options)s）") % {"value": attrs[0], "options": options}
        )
    id_number = cells.fold(attrs[1]) if len(attrs) > 1 else ""
    if "*" in id_number:
        raise CellError(_("身份证号含有脱敏字符“*”，请使用未脱敏的原始台账"))
    _clean_person(OrderPerson, "case", name=name, measure=measure, id_number=id_number)
    return (name, measure, id_number)


def _join_order_persons(value, ctx):
    return people.join(
        [
            (
                _shown(OrderPerson, "name", n, ctx),
                [str(_MEASURE_LABELS.get(m, m)), _shown(OrderPerson, "id_number", i, ctx)],
            )
            for n, m, i in value
        ]
    )


def _shown(model, field: str, value, ctx):
    """A related person's value in an export, masked by the one rule (cases.privacy)."""
    return privacy.mask_text(model, field, value) if ctx.mask_personal else value


class OrderCaseResource(LedgerResource):
    kind = "order"
    model = OrderCase
    identity = ("occurred_on", "place", "conduct")
    columns = (
        columns.date("发生日期", "occurred_on", required=True),
        columns.text("地点", "place", required=True),
        columns.text("违法行为", "conduct", required=True),
        columns.text("公安文书号", "police_reference"),
        columns.related("被处理人", "persons", _person_reader(_order_person), _join_order_persons),
    )

    def related_of(self, objs):
        ids = [o.pk for o in objs]
        result = defaultdict(lambda: {"persons": []})
        for start in range(0, len(ids), LOOKUP_CHUNK):
            for p in OrderPerson.objects.filter(case_id__in=ids[start : start + LOOKUP_CHUNK]).order_by("id"):
                result[p.case_id]["persons"].append((p.name, p.measure, p.id_number))
        return result

    def save_related(self, items, *, replace):
        if replace:
            ids = [obj.pk for obj, _r in items]
            for start in range(0, len(ids), LOOKUP_CHUNK):
                OrderPerson.objects.filter(case_id__in=ids[start : start + LOOKUP_CHUNK]).delete()
        OrderPerson.objects.bulk_create(
            OrderPerson(case=obj, name=n, measure=m, id_number=i)
            for obj, related in items
            for n, m, i in related.get("persons", ())
        )

    def export_context(self, objs):
        return {"related": self.related_of(objs)}


class OutreachEventResource(LedgerResource):
    kind = "outreach"
    model = OutreachEvent
    identity = ("held_on", "kind", "title")
    columns = (
        columns.date("日期", "held_on", required=True),
        columns.choice("活动类型", "kind", OutreachEvent.Kind, required=True),
        columns.text("活动名称", "title", required=True),
        columns.text("地点", "place"),
        columns.integer("参加人数", "participants"),
        columns.integer("发放资料（份）", "materials"),
    )


class VolunteerResource(LedgerResource):
    kind = "volunteers"
    model = Volunteer
    identity = ("name", "joined_on")
    columns = (
        columns.text("姓名", "name", required=True),
        columns.text("联系电话", "phone"),
        columns.date("加入日期", "joined_on", required=True),
        columns.date("退出日期", "left_on"),
    )


def _read_case(value, ctx) -> int:
    """A case of the bureau by its number (信访件编号)."""
    number = cells.fold(cells.text(columns.unquote(value)))
    if not number:
        raise CellError(_("请填写信访件编号"))
    try:
        return ctx.case_ids[number]
    except KeyError:
        raise CellError(_("未找到信访件编号：%(number)s（请先导入该信访事项）") % {"number": number}) from None


def _write_case(value, ctx) -> str | None:
    """The number of a listed case; the numbers of every case on the list read in one query the
    first time, and kept with the export (or import_export's resource)."""
    if value is None:
        return None
    numbers = ctx.__dict__.get("backlog_case_numbers")
    if numbers is None or value not in numbers:
        with including_voided():
            listed = PetitionCase.objects.filter(backlog_entries__isnull=False) | PetitionCase.objects.filter(pk=value)
            numbers = dict(listed.values_list("pk", "number").distinct())
        ctx.backlog_case_numbers = numbers
    return numbers.get(value)


class BacklogEntryResource(LedgerResource):
    """The model's clean() asks for the entry's case and the case's other entries (on the list
    once at a time): read here once per batch for the cases it names, instead of two queries a
    row, and kept up to date with the rows of the file already checked — so two rows of one file
    that overlap are refused as an entry overlapping a stored one is."""

    kind = "backlog"
    model = BacklogEntry
    identity = ("case_id", "listed_on")
    columns = (
        columns.Column("信访件编号", "case_id", _read_case, _write_case, required=True),
        columns.date("列入积案日期", "listed_on", required=True),
        columns.date("化解日期", "resolved_on"),
        columns.text("说明", "note"),
    )

    def __init__(self):
        self._cases: dict[int, PetitionCase] = {}  # the cases the file names, read once
        self._entries: dict[int, dict] = defaultdict(dict)  # case → {entry: (listed, resolved)}
        self._new_rows = 0  # new entries checked so far, keyed ("row", n) until they have a pk

    def existing(self, bureau, keys):
        found = super().existing(bureau, keys)
        self._read_cases(bureau, {key[0] for key in keys})
        return found

    def _read_cases(self, bureau, case_ids: set[int]) -> None:
        wanted = sorted(case_ids - self._cases.keys())
        with including_voided():  # (asked again for voided rows: the cases only, never their entries)
            for start in range(0, len(wanted), LOOKUP_CHUNK):
                chunk = wanted[start : start + LOOKUP_CHUNK]
                found = PetitionCase.objects.filter(bureau=bureau, pk__in=chunk).order_by()
                self._cases.update((c.pk, c) for c in found.only("pk", "bureau_id", "number", "received_on"))
                stored = BacklogEntry.objects.filter(case_id__in=chunk, voided_at__isnull=True).order_by()
                for pk, case_id, listed, resolved in stored.values_list("pk", "case_id", "listed_on", "resolved_on"):
                    self._entries[case_id][pk] = (listed, resolved)

    def prepare(self, obj, ctx):
        case = self._cases.get(obj.case_id)
        if case is None:
            return  # the model asks the database itself
        obj.case = case
        obj.known_others = [dates for pk, dates in self._entries[obj.case_id].items() if pk != obj.pk]

    def finish(self, obj, ctx):
        # Checked: the next rows of the file are checked against it as it will be stored.
        if obj.case_id in self._cases:
            key = obj.pk
            if key is None:
                key = ("row", self._new_rows)
                self._new_rows += 1
            self._entries[obj.case_id][key] = (obj.listed_on, obj.resolved_on)


RESOURCES: dict[str, type[LedgerResource]] = {
    r.kind: r
    for r in (
        PetitionCaseResource,
        DisputeScreeningResource,
        AccountabilityResource,
        OrderCaseResource,
        OutreachEventResource,
        VolunteerResource,
        BacklogEntryResource,
    )
}


def resource_for(kind: str) -> LedgerResource:
    try:
        return RESOURCES[kind]()
    except KeyError:
        raise ValueError(
            _("未知的台账类型：%(kind)s（可选：%(kinds)s）") % {"kind": kind, "kinds": ", ".join(RESOURCES)}
        ) from None


def resource_for_model(model) -> LedgerResource:
    for resource in RESOURCES.values():
        if resource.model is model:
            return resource()
    raise LookupError(model)
