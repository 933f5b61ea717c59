"""What an import found: counts, row errors as the clerk reads them, a preview."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases import privacy

from .resources import RESOURCES

SEPARATOR = " · "  # between a row error's row, column and message (RowError.__str__)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行 · %(column)s · %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
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
    preview: list[tuple[str, int, list]] = field(default_factory=list)  # (action, row, cells)
    unlisted_errors: int = 0
    seconds: float = 0.0
    written: bool = False
    log_id: int | None = None  # the ImportLog of this call
    taken_back: int = 0  # rows that earlier batches wrote and that a later failure undid
    left_written: bool = False  # a failure whose undo failed too: `import_ledger --undo log_id` remains

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

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
        if self.errors:
            text += _("；发现 %(count)d 处错误，未写入任何数据") % {"count": self.error_count}
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
