from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases import privacy
from cases.scoping import scoped_manager
from cases.validators import validate_phone

from .base import Record, YearQuerySet, year_bounds


class OutreachQuerySet(YearQuerySet):
    year_field = "held_on"


class OutreachEvent(Record):
    """普法与宣传: volunteer service, trainings, campaigns and the like."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("志愿服务")
        TRAINING = "training", _("培训会")
        PARTY_SCHOOL = "party_school", _("进党校")
        CAMPAIGN = "campaign", _("集中宣传")
        INSPECTION = "inspection", _("评查")
        OTHER = "other", _("其他")

    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("活动类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    materials = models.PositiveIntegerField(_("发放资料（份）"), default=0)

    objects = scoped_manager(OutreachQuerySet)

    class Meta:
        verbose_name = _("普法宣传活动")
        verbose_name_plural = _("普法宣传活动")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["bureau", "held_on"], name="outreach_bureau_date"),
            models.Index(fields=["held_on", "id"], name="outreach_held_id"),  # the list's order
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class VolunteerQuerySet(models.QuerySet):
    def active_in_year(self, year: int):
        start, end = year_bounds(year)
        return self.active_in_range(start, end)

    def active_in_range(self, start, end):
        return self.filter(joined_on__lte=end).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))


class Volunteer(Record):
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    objects = scoped_manager(VolunteerQuerySet)

    class Meta:
        verbose_name = _("普法志愿者")
        verbose_name_plural = _("普法志愿者")
        ordering = ["joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="volunteer_left_after_joined",
                violation_error_message=_("退出日期不能早于加入日期。"),
            )
        ]

    def __str__(self) -> str:
        # A person's str() is shown where no permission is checked (titles, breadcrumbs, inline
        # headings, the audit trail's list): masked always; the name field itself is for those
        # who may see it (cases.privacy).
        return privacy.mask_name(self.name)

    def clean(self):
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("退出日期不能早于加入日期。")})


class RoadmapPosting(Record):
    """Whether a unit has the 依法依规信访“路线图” and the 分领域“导引图” on its wall."""

    unit = models.OneToOneField(
        "cases.Unit",
        on_delete=models.PROTECT,
        related_name="roadmap",
        verbose_name=_("单位"),
    )
    roadmap_posted = models.BooleanField(_("路线图已上墙"), default=False)
    guide_posted = models.BooleanField(_("导引图已上墙"), default=False)
    posted_on = models.DateField(_("上墙日期"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("路线图导引图上墙")
        verbose_name_plural = _("路线图导引图上墙")
        ordering = ["unit__kind", "unit__sort_order"]

    def __str__(self) -> str:
        return str(self.unit)


class SupervisionItem(Record):
    """A 人大代表建议 or 政协委员提案 the bureau handled."""

    class Kind(models.TextChoices):
        NPC = "npc", _("人大代表建议")
        CPPCC = "cppcc", _("政协委员提案")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    number = models.CharField(_("编号"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    received_on = models.DateField(_("交办日期"))
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("人大建议政协提案")
        verbose_name_plural = _("人大建议政协提案")
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(replied_on__gte=F("received_on")),
                name="supervision_replied_after",
                violation_error_message=_("答复日期不能早于交办日期。"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class NormativeDocument(Record):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("有效")
        AMENDED = "amended", _("已修改")
        REPEALED = "repealed", _("已废止")

    title = models.CharField(_("文件名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("印发日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    reviewed_on = models.DateField(_("清理日期"), null=True, blank=True)
    filed_with_justice = models.BooleanField(_("已向司法局报备"), default=False)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("行政规范性文件")
        verbose_name_plural = _("行政规范性文件")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.title
