from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import Record
from cases.scoping import scoped_manager

from . import defaults
from .placeholders import validate


class NoticeTemplate(Record):
    """A bureau's own wording of one kind of notice; without one the shipped wording is used."""

    class Kind(models.TextChoices):
        ACCEPTANCE = defaults.ACCEPTANCE, _("受理告知书")
        REFUSAL = defaults.REFUSAL, _("不予受理告知书")
        ROUTING = defaults.ROUTING, _("转送交办单")
        OPINION = defaults.OPINION, _("信访处理意见书")

    kind = models.CharField(_("告知书种类"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(
        _("正文"),
        max_length=8000,
        help_text=_(
            "每行一段，第一行为主送（如“{信访人}：”）。可用占位符：{本机关} {编号} {信访人} {登记日期} "
            "{信访形式} {主要诉求} {问题领域} {责任单位} {转送方式} {转送日期} {受理日期} {答复日期} "
            "{处理意见} {处理结果} {今天}；"
            "花括号本身请连写两个。"
        ),
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = _("告知书文本")
        verbose_name_plural = _("告知书文本")
        ordering = ["bureau", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind"],
                name="notice_kind_unique_per_bureau",
                violation_error_message=_("本局已有这种告知书的文本，请修改原有的一份。"),
            )
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def clean(self):
        errors = {}
        for name in ("title", "body"):
            try:
                validate(getattr(self, name) or "")
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)

    @classmethod
    def wording(cls, bureau, kind: str) -> tuple[str, str]:
        """(title, body) of `kind` for `bureau`: its own, else the shipped one."""
        own = cls.objects.filter(bureau=bureau, kind=kind).first()
        return (own.title, own.body) if own else defaults.DEFAULTS[kind]
