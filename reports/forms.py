from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import Paragraph, Report
from .models.report import TEXT_MAX
from .placeholders import validate_template


class HeadingForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 6})}


def split_lines(rows) -> list[tuple[str, str, str]]:
    """Each line of a text box is a paragraph of its own: a line break inside a printed paragraph
    would show as a stray space, and text pasted from Word arrives one paragraph per line. The
    lead heading stays with the first line; every line of a list item's box is an item."""
    result = []
    for lead, text, *rest in rows:
        kind = (rest[0] if rest else "") or Paragraph.Kind.TEXT
        lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
        result.append((lead.strip(), lines[0], kind))
        result.extend(("", line, kind) for line in lines[1:])
    return result


class SectionForm(forms.Form):
    """A section's title and its paragraphs, posted as parallel `lead` / `text` / `kind` lists so
    the page can add rows without a management form; an emptied row is a deleted paragraph. A
    post without `kind` (an older page) keeps every paragraph 正文."""

    title = forms.CharField(label=_lazy("标题"), max_length=200, validators=[validate_template])

    def __init__(self, data=None, *, initial_paragraphs=None, **kwargs):
        super().__init__(data, **kwargs)
        if data is not None:
            leads, texts = data.getlist("lead"), data.getlist("text")
            kinds = data.getlist("kind")[: len(leads)]
            kinds += [Paragraph.Kind.TEXT] * (len(leads) - len(kinds))
            self.paragraphs = split_lines(zip(leads, texts, kinds, strict=False))
        else:
            self.paragraphs = list(initial_paragraphs or [])
        self.paragraph_errors: dict[int, list[str]] = {}

    def clean(self):
        cleaned = super().clean()
        for i, (lead, text, kind) in enumerate(self.paragraphs):
            messages = []
            if kind not in Paragraph.Kind.values:
                messages.append(_("段落类型只能是正文、项目符号或编号。"))
            if len(lead) > 200:
                messages.append(_("小标题不能超过200字。"))
            if len(text) > TEXT_MAX:
                messages.append(_("正文不能超过%(n)s字。") % {"n": TEXT_MAX})
            for value in (lead, text):
                try:
                    validate_template(value)
                except ValidationError as e:
                    messages.extend(e.messages)
            if messages:
                self.paragraph_errors[i] = messages
        if self.paragraph_errors:
            raise ValidationError(
                [
                    _("第%(n)s段：%(msg)s") % {"n": i + 1, "msg": " ".join(msgs)}
                    for i, msgs in self.paragraph_errors.items()
                ]
            )
        return cleaned

    def rows(self):
        """The paragraphs to show in the editor, each with its errors, and one blank row to add."""
        rows = [
            (lead, text, kind, self.paragraph_errors.get(i, [])) for i, (lead, text, kind) in enumerate(self.paragraphs)
        ]
        return [*rows, ("", "", Paragraph.Kind.TEXT, [])]

    kinds = Paragraph.Kind.choices


class PublishForm(forms.Form):
    """The head's confirmation: the box ticked, the fingerprint of what the page showed, and for
    a correction its reason."""

    reason = forms.CharField(
        label=_lazy("更正理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("首次发布可不填；已发布的报告再次发布即为更正，须说明理由。"),
    )
    confirm = forms.BooleanField(
        label=_lazy("我已核对以上标题和数字，确认发布"),
        error_messages={"required": _lazy("请先核对并勾选“确认发布”。")},
    )
    shown = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.correction = correction

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if self.correction and not reason:
            raise ValidationError(_("更正发布须填写更正理由。"))
        return reason
