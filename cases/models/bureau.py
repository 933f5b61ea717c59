from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from cases import tree
from cases.deadlines import PACKAGE_YEARS, HolidayCalendar
from cases.number_patterns import DEFAULT_PATTERN, validate_case_number_pattern
from cases.scoping import current_scope, scoped_manager


class BureauQuerySet(models.QuerySet):
    def parent_map(self) -> tree.Tree:
        """Every bureau's id and the id of the one above it (cases.tree walks it)."""
        return dict(self.order_by().values_list("pk", "parent_id"))

    def resolve(self, value: str | int | None) -> "Bureau":
        """The bureau a command names by id or name; with none named, the only one — never a
        guess when there are several."""
        if value in (None, ""):
            bureaus = list(self.order_by("pk")[:2])
            if not bureaus:
                raise Bureau.DoesNotExist("尚未设置信访局信息，请管理员先在“信访局”中录入。")
            if len(bureaus) > 1:
                names = "、".join(self.order_by("pk").values_list("name", flat=True)[:10])
                raise Bureau.MultipleObjectsReturned(f"有多个信访局（{names}），请用 --bureau 指定名称或编号。")
            return bureaus[0]
        text = str(value).strip()
        found = self.filter(pk=int(text)).first() if text.isdigit() else None
        found = found or self.filter(name=text).first()
        if found is None:
            raise Bureau.DoesNotExist(f"没有名为或编号为“{text}”的信访局。")
        return found


class Bureau(models.Model):
    """A petition bureau (信访局) at its level, under the bureau above it. Name, place and the
    way its report names the place are data, never code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级信访局"),
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    name = models.CharField(_("机关名称"), max_length=100, unique=True)
    county = models.CharField(_("所在县（市、区）"), max_length=50)
    short_county = models.CharField(
        _("地名简称"),
        max_length=20,
        blank=True,
        help_text=_("如“温县”用于“平安温县”等表述；留空则用所在县名称。"),
    )
    roll_forward_holidays = models.BooleanField(
        _("期限末日遇节假日顺延"),
        default=True,
        help_text=_("期限最后一日为法定节假日或休息日（非调休上班日）时，顺延至下一个工作日。"),
    )
    due_soon_working_days = models.PositiveSmallIntegerField(_("“即将到期”提前工作日数"), default=3)
    repeat_window_days = models.PositiveSmallIntegerField(
        _("重复信访认定期间（日）"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("同一信访人就同一问题领域、同一责任单位在此期间内再次信访，认定为重复信访。"),
    )
    self_reference = models.CharField(
        _("报告中的自称"),
        max_length=10,
        blank=True,
        help_text=_("报告正文称呼本地的用语，如“我县”“我市”“我区”；留空则按层级用“我县”“我市”“我省”。"),
    )
    level_word = models.CharField(
        _("本级简称"),
        max_length=4,
        blank=True,
        help_text=_("报告中“县直单位”“县信访接待服务中心”里的“县”，如“县”“市”“区”；留空则按层级用“县”“市”“省”。"),
    )
    province = models.CharField(
        _("所在省份简称"),
        max_length=10,
        blank=True,
        help_text=_("报告中“河南信访信息平台”里的“河南”；留空则用上级省级信访局的地名简称。"),
    )
    # How every figure is printed (indicators.numbers; the names are those it reads).
    percent_whole = models.CharField(
        _("整数百分比的写法"),
        max_length=10,
        choices=[("plain", _("100%（不带小数）")), ("decimals", _("100.00%（保留两位小数）"))],
        default="plain",
        help_text=_(
            "比率和同比恰为整数时的写法，仪表盘、报告、Word、Excel和命令行一律照此；其他数值都保留两位小数，如80.50%。"
        ),
    )
    percent_rounding = models.CharField(
        _("百分比的取舍"),
        max_length=10,
        choices=[("half_up", _("四舍五入（默认）")), ("truncate", _("截尾（舍去两位小数之后的部分）"))],
        default="half_up",
        help_text=_(
            "比率和同比保留两位小数时第三位起的处理方式。例如3326人次比上年4727人次下降29.638…%，"
            "四舍五入为29.64%，截尾为29.63%。"
        ),
    )

    case_number_pattern = models.CharField(
        _("信访件编号规则"),
        max_length=60,
        blank=True,
        default=DEFAULT_PATTERN,
        validators=[validate_case_number_pattern],
        help_text=_(
            "新登记的信访事项按此规则自动编号，每年从1起顺序编号。可用占位符：{year} 为登记年度（如2026），"
            "{seq} 为当年序号，{seq:04d} 表示序号补零到4位（0001）。"
            "例如“温信{year}-{seq:04d}”生成“温信2026-0186”；留空则为“{year}-{seq:04d}”。导入的历史编号保持原样。"
        ),
    )

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访局")
        verbose_name_plural = _("信访局")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id and self.pk and self.parent_id in self.lineage_ids(include_self=True, up=False):
            raise ValidationError({"parent": _("上级信访局不能是本局或其下级。")})
        order = [self.Level.PROVINCE, self.Level.CITY, self.Level.COUNTY]
        if self.parent_id and order.index(self.parent.level) >= order.index(self.level):
            raise ValidationError({"parent": _("上级信访局的层级必须高于本局。")})

    # The word of each level in the report's place wording: 县直单位, 市直单位, 省直单位.
    LEVEL_WORDS = {Level.PROVINCE: "省", Level.CITY: "市", Level.COUNTY: "县"}

    def place_words(self) -> dict[str, str]:
        """How the report names this bureau's place, for the template's placeholders: its own
        settings, else what its level says (我县 / 我市 / 我省), the province's short name from
        the bureau itself or the provincial bureau above it ("" when neither says)."""
        word = self.level_word or self.LEVEL_WORDS.get(self.level, "县")
        chain = ["中央", "省"]
        if self.level in (self.Level.CITY, self.Level.COUNTY):
            chain.append("市")
        if self.level == self.Level.COUNTY:
            chain.append(word)
        return {
            "county": self.county,
            "short_county": self.short_county or self.county,
            "self_reference": self.self_reference or "我" + word,
            "level_word": word,
            "levels": "、".join(chain),
            "province": self.province_name(),
        }

    def province_name(self) -> str:
        if self.province or self.level == self.Level.PROVINCE:
            return self.province or self.short_county or self.county
        if self.parent_id is None:  # no bureau above to ask: no query
            return ""
        ids = self.lineage_ids(include_self=False, up=True)
        above = Bureau.objects.in_bulk(ids)
        for bureau in (above[pk] for pk in ids if pk in above):  # nearest first
            if bureau.province or bureau.level == self.Level.PROVINCE:
                return bureau.province or bureau.short_county or bureau.county
        return ""

    def lineage_ids(self, *, include_self: bool = True, up: bool = False) -> list[int]:
        """The ids of this bureau and every bureau below it (or, with up=True, above it, nearest
        first). One query; the hot paths keep the map (indicators.cache.bureau_tree)."""
        parents = Bureau.objects.parent_map()
        ids = tree.above(parents, self.pk) if up else tree.lineage(parents, self.pk)
        return ids if include_self else ids[1:]

    @classmethod
    def current(cls) -> "Bureau":
        """The bureau whose records are being worked on: the signed-in user's, or the one a
        command was given (`acting_for`). Outside any scope (a shell, a test), the only bureau —
        with several, an error asking which, never a guess."""
        state = current_scope()
        if state.get("_enabled", True) and state.get("_bureau") is not None:
            return state["_bureau"]
        if state.get("_enabled", True) and "bureau" in state:
            raise cls.DoesNotExist("当前账号不属于任何信访局。")
        return cls.objects.resolve(None)

    def calendar(self) -> HolidayCalendar:
        """The calendar this bureau's deadlines are counted in (one query)."""
        return Holiday.objects.calendar(roll_forward=self.roll_forward_holidays)


class Unit(models.Model):
    """A township or street (乡镇/街道), a county department, or the county level itself."""

    class Kind(models.TextChoices):
        TOWNSHIP = "township", _("乡镇（街道）")
        DEPARTMENT = "department", _("县直部门")
        COUNTY = "county", _("县级")
        DISTRICT = "district", _("县（市、区）")

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="units", verbose_name=_("信访局"))
    name = models.CharField(_("单位名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.TOWNSHIP)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    objects = scoped_manager(org=True)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "name"],
                name="unit_name_unique_per_bureau",
                violation_error_message=_("该单位名称已存在。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """The one organization a user works in: a bureau, or one of its responsible units
    (责任单位经办人). Every page the user opens acts within it (cases.scoping)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="membership",
        verbose_name=_("用户"),
    )
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="members", verbose_name=_("所属信访局"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所属责任单位"),
        help_text=_("责任单位经办人填写其单位；信访局工作人员留空。"),
    )

    objects = scoped_manager(org=True)

    class Meta:
        verbose_name = _("所属机构")
        verbose_name_plural = _("所属机构")

    def __str__(self) -> str:
        return f"{self.bureau} {self.unit}" if self.unit_id else str(self.bureau)

    def clean(self):
        if self.unit_id and self.bureau_id and self.unit.bureau_id != self.bureau_id:
            raise ValidationError({"unit": _("所属责任单位必须是所属信访局的单位。")})

    @classmethod
    def place(cls, user, bureau: Bureau, unit: "Unit | None" = None) -> "Membership":
        """Put `user` in `bureau` (or one of its units), wherever they were before."""
        membership, _ = cls._base_manager.update_or_create(user=user, defaults={"bureau": bureau, "unit": unit})
        return membership

    @classmethod
    def of(cls, user) -> "Membership | None":
        """The user's organization (one query), whatever scope is active."""
        return cls._base_manager.select_related("bureau", "unit").filter(user=user).first()


class HolidayQuerySet(models.QuerySet):
    def calendar(self, *, roll_forward: bool = True) -> HolidayCalendar:
        """The package's holidays plus these rows (one query). A year the package does not know
        counts as known only once its HolidayYear is marked complete: half a year's holidays
        would give wrong deadlines without a word."""
        complete = HolidayYear.objects.filter(year=ExtractYear(OuterRef("date")), complete=True)
        holidays, workdays, years = set(), set(), set(PACKAGE_YEARS)
        rows = self.annotate(year_complete=Exists(complete)).values_list("date", "is_working_day", "year_complete")
        for day, is_working, year_complete in rows:
            (workdays if is_working else holidays).add(day)
            if year_complete:
                years.add(day.year)
        return HolidayCalendar(frozenset(holidays), frozenset(workdays), roll_forward, frozenset(years))


class Holiday(models.Model):
    """A day the bureau declares a holiday or a make-up working day (调休), for years the
    `chinesecalendar` package does not cover yet. A year is known once its HolidayYear is
    marked complete (entered at once from the State Council's notice: cases.holidays)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("调休上班日"),
        default=False,
        help_text=_("勾选表示该日为调休上班日，否则为法定节假日。"),
    )
    name = models.CharField(_("名称"), max_length=30, blank=True)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class HolidayYear(models.Model):
    """Whether a year's holidays and make-up working days have all been entered. Until it is
    complete the year is unknown to the deadlines (as a year never entered is) and the
    administrators are warned; the package's own years are known without one."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(_("已录入完整"), default=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    completed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    notice = models.TextField(_("录入依据"), blank=True, help_text=_("粘贴的国务院办公厅通知原文或日期清单。"))

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["year"]
        # Changed with the holidays themselves (their permissions), on the year's page.
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.year}年"
