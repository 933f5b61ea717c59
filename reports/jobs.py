"""The annual report's files made by the background worker (cases.jobs): PDF, Word and the charts'
appendix take seconds (WeasyPrint lays out every page), so the export buttons start a job and the
clerk watches its progress; the HTML and the Excel appendix stay immediate downloads."""

from django.utils.translation import gettext as _

from cases.jobs.service import JobFailed, work
from cases.models import Bureau
from reports.models import Report
from reports.render import FORMATS, export
from reports.render.context import build_charts, build_document

BACKGROUND_FORMATS = ("pdf", "docx", "charts")
LABELS = {"pdf": "PDF", "docx": "Word", "charts": _("图表附件 PDF")}


@work(atomic=False)
def export_report(ctx, *, year: int, fmt: str) -> None:
    if fmt not in FORMATS:
        raise JobFailed(_("不支持的导出格式：%(fmt)s") % {"fmt": fmt})
    ctx.progress(0, 3, _("正在汇总报告数据"))
    report = Report.objects.select_related("bureau").filter(bureau=Bureau.current(), year=year).first()
    if report is None:
        raise JobFailed(_("%(year)s年报告不存在或已被删除。") % {"year": year})
    doc = build_document(report)
    if fmt == "charts":
        doc.extra["charts"] = build_charts(report)
    ctx.progress(1, 3, _("正在生成文件"))
    name, mimetype, data = export(doc, fmt)
    ctx.progress(2, 3, _("正在保存文件"))
    ctx.save_result(name, data, mimetype)
    ctx.progress(3, 3, _("已生成 %(name)s") % {"name": name})
