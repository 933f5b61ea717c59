"""What an import found: counts, row errors as the clerk reads them, a preview."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases import privacy

from .resources import RESOURCES
from .values import HOW, ValueIssue

SEPARATOR = " · "  # between a row error's row, column and message (RowError.__str__)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    value: tuple[str, str] | None = None  # (column, text) of an unknown value the preview asks about

    def __str__(self) -> str:
        return _("第 %(row)d 行 · %(column)s · %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class RowWarning:
    """Rows taken although a field old ledgers never kept is empty (异议成立但无异议日期)."""

    message: str
    figures: tuple[str, ...]  # the figures that leave these rows out; () for none
    rows: list[int] = field(default_factory=list)
    count: int = 0

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.rows) < 30:
            self.rows.append(row)

    @property
    def rows_text(self) -> str:
        return "、".join(str(r) for r in self.rows) + ("……" if self.count > len(self.rows) else "")

    @property
    def figures_text(self) -> str:
        if not self.figures:
            return _("不影响任何统计指标")
        return _("这些行不计入：%(figures)s") % {"figures": "、".join(self.figures)}

    def __str__(self) -> str:
        return _("%(message)s：第 %(rows)s 行，共 %(count)d 行（%(figures)s）") % {
            "message": self.message,
            "rows": self.rows_text,
            "count": self.count,
            "figures": self.figures_text,
        }


@dataclass
class ImportResult:
    ledger: str
    title: str
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    notices: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    preview: list[tuple[str, int, list]] = field(default_factory=list)  # (action, row, [(as read, as typed)])
    value_issues: dict[tuple[str, str], ValueIssue] = field(default_factory=dict)  # (column, text) → issue
    warnings: dict[str, RowWarning] = field(default_factory=dict)  # warning → its rows
    mappings_used: dict[tuple[str, str, str, str], int] = field(default_factory=dict)  # (column, text, option, how)
    tally: dict[tuple[str, object], list[int]] = field(default_factory=dict)  # (unit, year) → [new, update, same]
    unlisted_errors: int = 0
    seconds: float = 0.0
    written: bool = False
    log_id: int | None = None  # the ImportLog of this call
    taken_back: int = 0  # rows that earlier batches wrote and that a later failure undid
    left_written: bool = False  # a failure whose undo failed too: `import_ledger --undo log_id` remains

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error and not self.value_issues

    @property
    def issues(self) -> list[ValueIssue]:
        """The unknown values, most used first."""
        return sorted(self.value_issues.values(), key=lambda i: (i.column, -i.count, i.raw))

    @property
    def only_values(self) -> bool:
        """Whether mapping the unknown values is all the file needs (no other error)."""
        return bool(self.value_issues) and not self.file_error and all(e.value for e in self.errors)

    def error_groups(self) -> list[tuple[str, str, str, int]]:
        """The errors other than unknown values, grouped by column and message: (column,
        message, rows, how many)."""
        groups: dict[tuple[str, str], list[int]] = {}
        for error in self.errors:
            if error.value is None:
                groups.setdefault((error.column, error.message), []).append(error.row)
        return [
            (column, message, "、".join(str(r) for r in rows[:30]) + ("……" if len(rows) > 30 else ""), len(rows))
            for (column, message), rows in groups.items()
        ]

    def tally_rows(self) -> list[tuple[str, object, int, int, int]]:
        """(unit, year, new, updated, unchanged), by unit then year."""
        return [
            (unit, year, *counts)
            for (unit, year), counts in sorted(self.tally.items(), key=lambda i: (str(i[0][0]), str(i[0][1])))
        ]

    def mapping_lines(self) -> list[str]:
        """What was read through a mapping or a short form, one line each, for the log and the clerk."""
        return [
            _("%(column)s：%(raw)s → %(value)s（%(how)s，%(count)d 行）")
            % {"column": column, "raw": raw, "value": value, "how": _(HOW[how]), "count": count}
            for (column, raw, value, how), count in sorted(self.mappings_used.items())
        ]

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted_errors + (1 if self.file_error else 0)

    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        text = _("共 %(rows)d 行：新增 %(created)d 条，更新 %(updated)d 条，未变化 %(unchanged)d 条") % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.warnings:
            text += _("；%(count)d 行有提示（不影响导入）") % {"count": sum(w.count for w in self.warnings.values())}
        if self.value_issues:
            text += _("；%(count)d 种写法无法识别，需选择对应选项") % {"count": len(self.value_issues)}
        others = self.error_count - sum(issue.count for issue in self.value_issues.values())
        if others:
            text += _("；发现 %(count)d 处错误") % {"count": others}
        if self.errors:
            text += _("，未写入任何数据")
        return text


@dataclass
class UndoResult:
    """What undoing an import did."""

    log_id: int
    deleted: int = 0  # rows it had created
    restored: int = 0  # rows it had updated, put back
    kept: list[str] = field(default_factory=list)  # rows changed by someone else since, left as they are

    def summary(self) -> str:
        text = _("已撤销导入记录 %(log)d：删除其新增的 %(deleted)d 条，恢复其修改的 %(restored)d 条") % {
            "log": self.log_id,
            "deleted": self.deleted,
            "restored": self.restored,
        }
        if self.kept:
            text += _("；%(n)d 条在导入后已被他人修改，未撤销：%(records)s") % {
                "n": len(self.kept),
                "records": "、".join(self.kept[:20]) + ("……" if len(self.kept) > 20 else ""),
            }
        return text


def personal_headers() -> set[str]:
    """The column headers, over every ledger, under which a cell holds personal data: columns of
    personal fields, and the persons of a record (被处理人, 责任人)."""
    headers = set()
    for resource in RESOURCES.values():
        for column in resource.columns:
            if column.mask is not None:
                headers.add(column.header)
            elif column.related:
                related = resource.model._meta.get_field(column.field).related_model
                if privacy.personal_fields(related):
                    headers.add(column.header)
    return headers


def without_personal_values(message: str) -> str:
    """An import log's message with the row errors of personal columns stripped of their text,
    which quotes the cell (“张三”后的括号内…)."""
    headers = personal_headers()
    lines = []
    for line in message.splitlines():
        parts = line.split(SEPARATOR)
        if len(parts) >= 3 and parts[1] in headers:
            line = SEPARATOR.join([parts[0], parts[1], _("（含个人信息，此处不显示）")])
        lines.append(line)
    return "\n".join(lines)
