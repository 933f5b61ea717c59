from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import AuditEntry
from cases.scoping import scoped_manager
from reports.placeholders import validate_template

TEXT_MAX = 5000


class Report(models.Model):
    """The working text of one bureau's report for one year.

    The text holds `{key}` placeholders, filled from the indicators whenever it is rendered; what
    was published is kept apart, frozen, in `Revision`."""

    bureau = models.ForeignKey(
        "cases.Bureau", on_delete=models.PROTECT, related_name="reports", verbose_name=_("信访局")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(
        _("标题"),
        max_length=200,
        validators=[validate_template],
        help_text=_("标题第二行；第一行为机关名称。可用占位符，如 {year}。"),
    )
    intro = models.TextField(_("导语"), max_length=TEXT_MAX, blank=True, validators=[validate_template])
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已批准")
        PUBLISHED = "published", _("已发布")

    status = models.CharField(
        _("审核状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "草稿 → 已提交（工作人员提交）→ 已退回或已批准（局长）→ 已发布。修改已提交或已批准的报告即回到草稿。"
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year"]
        permissions = [
            ("export_report", _("可导出年度报告")),
            ("publish_report", _("可审核发布年度报告")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year"],
                name="report_unique_per_bureau_year",
                violation_error_message=_("该年度的报告已存在。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau} {self.year}年法治政府建设工作报告"

    @property
    def events(self) -> models.QuerySet:
        """Who did what to this report: its entries in the one activity log, newest first."""
        return AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Report), object_id=self.pk
        ).order_by("-at", "-id")


class Section(models.Model):
    """One numbered part of the report (一、二、…); the number follows the position."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections", verbose_name=_("年度报告"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("标题"), max_length=200, validators=[validate_template])

    objects = scoped_manager(bureau="report__bureau")

    class Meta:
        verbose_name = _("报告部分")
        verbose_name_plural = _("报告部分")
        ordering = ["report", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Paragraph(models.Model):
    """A paragraph, optionally opened by a lead heading that is numbered （一）（二）… in its section,
    or an item of a bulleted or numbered list (`kind`; consecutive numbered items of a section
    print 1. 2. 3.). Its text may hold bold words between `**` marks (reports.placeholders)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("正文")
        BULLET = "bullet", _("项目符号")
        NUMBER = "number", _("编号")

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="paragraphs", verbose_name=_("报告部分")
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    lead = models.CharField(
        _("小标题"),
        max_length=200,
        blank=True,
        validators=[validate_template],
        help_text=_("如“加强组织领导，深入推进依法行政。”；序号（一）（二）自动生成。"),
    )
    text = models.TextField(_("正文"), max_length=TEXT_MAX, blank=True, validators=[validate_template])
    kind = models.CharField(
        _("段落类型"),
        max_length=8,
        choices=Kind.choices,
        default=Kind.TEXT,
        help_text=_("正文、项目符号列表项或编号列表项；连续的编号列表项自动编为 1. 2. 3.。"),
    )

    objects = scoped_manager(bureau="section__report__bureau")

    class Meta:
        verbose_name = _("段落")
        verbose_name_plural = _("段落")
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return (self.lead or self.text)[:30]
