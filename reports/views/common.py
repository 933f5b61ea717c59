from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from cases.models import Bureau
from reports.models import Report
from reports.render import FORMATS, export


def get_report(year: int) -> Report:
    return get_object_or_404(Report.objects.select_related("bureau"), bureau=Bureau.current(), year=year)


def download(doc, fmt: str, *, inline: bool = False) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    name, mimetype, data = export(doc, fmt)
    return file_response(data, name, mimetype, inline=inline)


def file_response(data: bytes, name: str, mimetype: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    response["Content-Length"] = str(len(data))
    return response
