from pathlib import Path

from cases.management.bureau import BureauCommand
from reports.render import FORMATS, render
from reports.render.context import ReportDocument, build_charts, build_document
from reports.services import report_get_or_create


class Command(BureauCommand):
    help = (
        "导出年度报告（charts 为月度图表附件）：有已发布版本时导出最新发布版本"
        "（PDF 为发布时固定的文件），否则导出草稿。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=sorted(FORMATS), default="pdf")
        parser.add_argument("--output", required=True, help="输出文件路径")

    def handle(self, *args, year, format, output, **options):
        bureau = self.bureau
        report, _created = report_get_or_create(bureau=bureau, year=year)
        revision = report.revisions.order_by("-number").first()
        if revision is not None and format == "pdf":
            data = bytes(revision.pdf)
        elif revision is not None:
            data = render(ReportDocument.from_json(revision.document), format)
        else:
            doc = build_document(report)
            if format == "charts":
                doc.extra["charts"] = build_charts(report)
            data = render(doc, format)
        Path(output).write_bytes(data)
        what = f"第{revision.number}版（已发布）" if revision else "草稿"
        self.stdout.write(f"{bureau.name}{year}年报告{what} → {output}（{len(data)} 字节）")
