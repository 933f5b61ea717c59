"""The bureau's own template: save a year's report as it, start a year from it, and make it from
last year's published report with its numbers turned into placeholders (issue 12)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cases.models import Bureau
from cases.models.base import local_today
from indicators.compute import compute
from indicators.registry import Period
from reports import proposals as prop
from reports.services import bureau_template, report_create_from_text, template_save, template_save_from_report

from .common import get_report

CHANGE = "reports.change_report"
CONTEXT_CHARS = 24  # characters shown either side of a proposed number


@permission_required(CHANGE, raise_exception=True)
def template(request):
    bureau = Bureau.current()
    return render(request, "reports/template.html", {"bureau": bureau, "template": bureau_template(bureau)})


@permission_required(CHANGE, raise_exception=True)
@require_POST
def save_template(request, year: int):
    report = get_report(year)
    try:
        template_save_from_report(report=report, user=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("已将%(year)s年报告保存为本局模板。") % {"year": year})
    return redirect("reports:detail", year=year)


def _lines(text: str) -> str:
    """One kind of line break: a browser posts CRLF, a file may hold either; the proposals are
    found again in the posted text when saving and must fall where they fell."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SourceForm(forms.Form):
    """Last year's published report: its year, and its text pasted or its file uploaded."""

    year = forms.IntegerField(label=_lazy("报告所属年度"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_lazy("粘贴报告全文"),
        required=False,
        max_length=prop.MAX_UPLOAD // 4,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(
        label=_lazy("或上传报告文件"),
        required=False,
        help_text=_lazy("已发布报告的 .txt（UTF-8）或 .docx 文件，不超过 2 MB。"),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > prop.MAX_UPLOAD:
                raise ValidationError(_("文件超过 2 MB，请上传报告正文（.txt 或 .docx）。"))
            try:
                cleaned["text"] = prop.read_report_file(upload.name, upload.read())
            except prop.UnreadableFile as exc:
                raise ValidationError(str(exc)) from None
        cleaned["text"] = _lines(cleaned.get("text") or "")
        if not cleaned["text"].strip():
            raise ValidationError(_("请粘贴报告全文或上传报告文件。"))
        return cleaned


class ApplyForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    text = forms.CharField(max_length=prop.MAX_UPLOAD, widget=forms.HiddenInput, strip=False)
    target = forms.ChoiceField(
        label=_lazy("结果用作"),
        choices=[("template", _lazy("本局模板（以后各年度可从它开始）")), ("report", _lazy("新年度报告的文本"))],
        initial="template",
        widget=forms.RadioSelect,
    )
    target_year = forms.IntegerField(label=_lazy("新年度"), min_value=2000, max_value=2100, required=False)

    def clean_text(self):
        return _lines(self.cleaned_data["text"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == "report":
            target_year = cleaned.get("target_year")
            if target_year is None:
                raise ValidationError(_("请填写新报告的年度。"))
            if target_year > local_today().year:
                raise ValidationError(_("新报告的年度不能晚于今年。"))
        return cleaned


def _rows(text: str, proposals) -> list[dict]:
    return [
        {
            "index": i,
            "before": text[max(0, p.start - CONTEXT_CHARS) : p.start].replace("\n", " "),
            "written": p.written.strip(),
            "after": text[p.end : p.end + CONTEXT_CHARS // 2].replace("\n", " "),
            "placeholder": prop.placeholder_words(p),
            "labels": p.labels,
        }
        for i, p in enumerate(proposals)
    ]


@permission_required(CHANGE, raise_exception=True)
def propose(request):
    """Step 1: paste or upload last year's report; step 2: accept or reject each proposal and
    say what the result becomes; then it is saved and the page goes where it went."""
    bureau = Bureau.current()
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "apply":
        return _apply(request, bureau)
    if step != "analyse":
        form = SourceForm(initial={"year": local_today().year - 1})
        return render(request, "reports/propose.html", {"bureau": bureau, "form": form})
    form = SourceForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reports/propose.html", {"bureau": bureau, "form": form})
    year, text = form.cleaned_data["year"], form.cleaned_data["text"]
    apply = ApplyForm(initial={"year": year, "text": text, "target": "template", "target_year": year + 1})
    return _review(request, bureau, year, text, apply)


def _proposals(bureau, year: int, text: str):
    return prop.propose(text, compute(bureau.pk, Period.year(year)), year=year)


def _review(request, bureau, year: int, text: str, apply, accepted=None):
    found = _proposals(bureau, year, text)
    rows = _rows(text, found)
    for row in rows:
        row["accepted"] = accepted is None or row["index"] in accepted
    context = {"bureau": bureau, "year": year, "rows": rows, "apply": apply, "form": None}
    return render(request, "reports/propose.html", context, status=200 if apply.is_bound is False else 400)


def _apply(request, bureau):
    form = ApplyForm(request.POST)
    accepted = {int(i) for i in request.POST.getlist("accept") if i.isdigit()}
    if not form.is_valid():
        if "year" in form.cleaned_data and "text" in form.cleaned_data:
            return _review(request, bureau, form.cleaned_data["year"], form.cleaned_data["text"], form, accepted)
        messages.error(request, _("提交的内容不完整，请重新粘贴或上传报告。"))
        return redirect("reports:propose")
    year, text = form.cleaned_data["year"], form.cleaned_data["text"]
    found = _proposals(bureau, year, text)
    accepted = {i for i in accepted if i < len(found)}
    data = prop.split_report(prop.with_words(text, found, accepted), bureau_name=bureau.name)
    detail = _("由%(year)s年已发布报告生成：建议%(n)s处，采纳%(k)s处") % {
        "year": year,
        "n": len(found),
        "k": len(accepted),
    }
    try:
        if form.cleaned_data["target"] == "template":
            template_save(bureau=bureau, user=request.user, data=data, detail=detail)
            messages.success(request, _("已保存为本局模板（%(detail)s）。") % {"detail": detail})
            return redirect("reports:template")
        target_year = form.cleaned_data["target_year"]
        report_create_from_text(bureau=bureau, year=target_year, data=data, user=request.user, detail=detail)
    except ValidationError as e:
        form.add_error(None, e)
        return _review(request, bureau, year, text, form, accepted)
    messages.success(request, _("已创建%(year)s年报告（%(detail)s）。") % {"year": target_year, "detail": detail})
    return redirect("reports:detail", year=target_year)
