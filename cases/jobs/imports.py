"""Imports in the background. A file of more than settings.LEDGER_IMPORT_BACKGROUND_ROWS rows is
checked by the worker too (`start_check()`, `check_in_background`): the upload's page
(cases/ledgers/admin.py) keeps the file and shows the check's job, whose result is the preview
page (jobs:preview), stored beside the kept upload (cases.ledgers.kept); a check that cannot read
the file fails with the reason and keeps nothing. Then the preview's confirm button calls
`start_import()` for a file of more than settings.LEDGER_IMPORT_BACKGROUND_ROWS rows, with the
upload it kept and the value mappings the clerk chose, and shows the job's page; the worker runs
`import_in_background`, which calls the confirm step (`cases.ledgers.service.import_stored`)
with a progress callback and removes the kept upload when done.

Not atomic in the job's sense: the importer commits each batch of 1,000 rows on its own so that
clerks are not locked out for the whole file, and takes back what it wrote if any row or the
database fails (its all or nothing); a failed import's job says why, and nothing stays written."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.ledgers import kept, preview
from cases.ledgers.resources import resource_for
from cases.ledgers.service import import_stored
from cases.models import Bureau, Job

from .service import JobFailed, enqueue, work

SHOWN_ERRORS = 20  # in the job's failure text; the import log keeps the rest


def start_import(
    *,
    bureau_id: int,
    user_id: int,
    kind: str,
    path: str,
    file_name: str = "",
    mappings: dict[tuple[str, str], str] | None = None,
    rows: int = 0,
) -> Job:
    """Hand the import of the stored upload `path` (named `file_name` when uploaded) into the
    ledger `kind` to the worker, with the clerk's value mappings ((column, text) → option);
    `rows`: the data rows its check counted, the progress bar's total (0: estimated as it reads)."""
    resource = resource_for(kind)
    meta = resource.model._meta
    user = get_user_model().objects.get(pk=user_id)
    name = file_name or Path(path).name
    return enqueue(
        import_in_background,
        user=user,
        bureau=Bureau.objects.get(pk=bureau_id),
        kind=Job.Kind.LEDGER_IMPORT,
        title=_("导入%(title)s（%(file)s）") % {"title": resource.title, "file": name},
        arguments={
            "bureau_id": bureau_id,
            "user_id": user_id,
            "kind": kind,
            "path": str(path),
            "file_name": name,
            # JSON has no tuple keys: [column, text, option] triples.
            "mappings": [[column, text, option] for (column, text), option in (mappings or {}).items()],
            "rows": rows,
        },
        permission=f"{meta.app_label}.add_{meta.model_name}",
        total=rows,
    )


@work(atomic=False)
def import_in_background(
    ctx, *, bureau_id: int, user_id: int, kind: str, path: str, mappings: list, file_name: str = "", rows: int = 0
) -> None:
    """Import the stored upload `path` for `user_id` of `bureau_id` (the job runs in that bureau)."""
    if ctx.job.bureau_id != bureau_id or ctx.user.pk != user_id:
        raise JobFailed(_("导入任务的信访局或用户与提交人不符。"))
    file = Path(path)
    if not file.is_file():
        raise JobFailed(_("上传的文件已不存在（超过一天未确认会被清理），请重新上传。"))
    resource = resource_for(kind)
    checked = rows  # the rows its check counted, if it did
    ctx.progress(0, checked, _("正在读取 %(file)s") % {"file": file_name or file.name})

    def progress(rows: int, fraction: float) -> None:
        # The importer knows the rows read and the share of the file read: without the check's
        # count the total is estimated.
        estimate = round(rows / fraction) if fraction > 0 else 0
        total = max(rows, checked or estimate)
        ctx.progress(rows, total, _("已检查 %(rows)d 行") % {"rows": rows})

    try:
        result = import_stored(
            bureau=ctx.job.bureau,
            user=ctx.user,
            kind=kind,
            path=file,
            file_name=file_name or file.name,
            mappings={(column, text): option for column, text, option in mappings},
            progress=progress,
        )
    finally:
        file.unlink(missing_ok=True)  # imported or refused, the kept upload has served
    if not result.ok:
        lines = [result.summary()]
        lines += [str(error) for error in result.errors[:SHOWN_ERRORS]]
        if result.error_count > SHOWN_ERRORS + (1 if result.file_error else 0):
            lines.append(_("……其余错误见台账导入记录。"))
        raise JobFailed("\n".join(lines))
    if result.log_id:
        ctx.link_result(reverse("admin:cases_importlog_change", args=[result.log_id]))
    else:
        meta = resource.model._meta
        ctx.link_result(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    ctx.progress(result.rows, result.rows, result.summary())


def start_check(
    *,
    bureau_id: int,
    user_id: int,
    kind: str,
    token: str,
    file_name: str,
    mappings: dict[tuple[str, str], str] | None = None,
) -> Job:
    """Hand the check (the preview's dry run) of the kept upload `token` to the worker."""
    resource = resource_for(kind)
    meta = resource.model._meta
    kept.upload_path(token)  # a token, not a path
    return enqueue(
        check_in_background,
        user=get_user_model().objects.get(pk=user_id),
        bureau=Bureau.objects.get(pk=bureau_id),
        kind=Job.Kind.LEDGER_CHECK,
        title=_("检查%(title)s（%(file)s）") % {"title": resource.title, "file": file_name},
        personal=True,  # the preview shows the rows as typed, names and phones among them
        arguments={
            "bureau_id": bureau_id,
            "user_id": user_id,
            "kind": kind,
            "token": token,
            "file_name": file_name,
            "mappings": [[column, text, option] for (column, text), option in (mappings or {}).items()],
        },
        permission=f"{meta.app_label}.add_{meta.model_name}",
    )


@work(atomic=False)
def check_in_background(
    ctx, *, bureau_id: int, user_id: int, kind: str, token: str, file_name: str, mappings: list
) -> None:
    """Check the kept upload `token` as the preview does (a dry run: nothing but its import log
    is written) and store the preview for the page jobs:preview."""
    if ctx.job.bureau_id != bureau_id or ctx.user.pk != user_id:
        raise JobFailed(_("检查任务的信访局或用户与提交人不符。"))
    path = kept.upload_path(token)
    if not path.is_file():
        raise JobFailed(_("上传的文件已不存在（超过一天未确认会被清理），请重新上传。"))
    ctx.progress(0, 0, _("正在读取 %(file)s") % {"file": file_name})

    def progress(rows: int, fraction: float) -> None:
        total = max(rows, round(rows / fraction)) if fraction > 0 else 0
        ctx.progress(rows, total, _("已检查 %(rows)d 行") % {"rows": rows})

    chosen = {(column, text): option for column, text, option in mappings}
    try:
        result = import_stored(
            bureau=ctx.job.bureau,
            user=ctx.user,
            kind=kind,
            path=path,
            file_name=file_name,
            mappings=chosen,
            dry_run=True,
            progress=progress,
        )
    except Exception:
        kept.forget(token)
        raise
    if result.file_error:  # nothing to preview: the reason is the job's
        kept.forget(token)
        raise JobFailed(result.file_error)
    if not (result.ok or result.only_values):  # errors to correct first: the file cannot be confirmed
        kept.upload_path(token).unlink(missing_ok=True)
    kept.save_preview(token, preview.snapshot(result, chosen))
    ctx.link_result(reverse("jobs:preview", args=[ctx.job.pk]))
    ctx.progress(result.rows, result.rows, _("检查完成：%(summary)s") % {"summary": result.summary()})
