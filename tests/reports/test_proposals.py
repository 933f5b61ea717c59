"""Placeholders proposed for last year's published text (reports.proposals, issue 12): given the
seed report and 温县's 2024 records, every figure of the seed is found, and nothing else."""

import io
import json
from pathlib import Path

import docx
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from cases.models import Bureau
from cases.scoping import acting_for
from indicators.compute import compute
from indicators.registry import Period
from reports.placeholders import fill_text, placeholders
from reports.proposals import propose, with_placeholders
from reports.render.context import values_for
from reports.services import report_get_or_create

from .seed import seed_paragraphs

DEMO = Path(django_settings.BASE_DIR) / "fixtures" / "demo.json"
TEMPLATE = Path(django_settings.BASE_DIR) / "reports" / "data" / "default_template.json"
SEED_TEXT = "\n".join(seed_paragraphs())


@pytest.fixture(params=["records", "demo"])
def wenxian_2024(request, db, settings):
    """温县's 2024 figures: over the records built in tests/reports/conftest.py, and over the
    shipped demo data."""
    if request.param == "records":
        bureau = request.getfixturevalue("wenxian")
    else:
        if DEMO.parent not in map(Path, settings.FIXTURE_DIRS):
            settings.FIXTURE_DIRS = [*settings.FIXTURE_DIRS, DEMO.parent]
        call_command("loaddata", "demo", verbosity=0)
        bureau = Bureau.objects.get(name="温县信访局")
    with acting_for(bureau):
        yield bureau, compute(bureau.pk, Period.year(2024))


def _template_keys() -> set[str]:
    """Every figure the shipped template (made from the seed by hand) names."""
    found = set()
    for text in _texts(json.loads(TEMPLATE.read_text(encoding="utf-8"))):
        for p in placeholders(text):
            found.update(p.keys)
    return found


def _texts(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def test_every_figure_of_the_seed_is_proposed_and_fills_back_to_the_seed(wenxian_2024):
    bureau, figures = wenxian_2024
    proposals = propose(SEED_TEXT, figures, year=2024)

    proposed = {key for p in proposals for key in p.keys}
    figure_keys = _template_keys() - {"self_reference", "short_county", "level_word", "levels", "province"}  # words
    assert figure_keys <= proposed
    assert proposed <= figure_keys  # and nothing the hand-made template does not use
    # Each number stands for the figure(s) of its words: the ambiguous ones resolved.
    chosen = {p.written.strip(): p.keys for p in proposals if p.keys != ("year",)}
    assert chosen["157"] == ("disputes_screened",) and chosen["126"] == ("disputes_resolved",)
    assert chosen["3216"] == ("materials_distributed",)
    by_place = [(SEED_TEXT[max(0, p.start - 4) : p.start], p.keys) for p in proposals]
    assert ("，处理了", ("order_cases",)) in by_place  # 处理了8起…案件
    assert ("依法处理", ("order_persons",)) in by_place  # 依法处理8人
    assert ("有志愿者", ("volunteers",)) in by_place  # 志愿者21名, not 21个单位
    assert ("职责，对", ("accountability_units",)) in by_place  # 对21个单位
    together = [p.keys for p in proposals if len(p.keys) > 1]
    assert together == [("timely_acceptance_rate", "accurate_transfer_rate", "authority_timely_acceptance_rate")]
    assert sum(1 for p in proposals if p.keys == ("year",)) == 3

    # Filled with the same year's values, the proposed text reads exactly as the seed.
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    proposed_text = with_placeholders(SEED_TEXT, proposals)
    assert fill_text(proposed_text, values_for(report, figures)) == SEED_TEXT


def test_a_number_equal_to_no_figure_is_left_alone(wenxian_2024):
    _bureau, figures = wenxian_2024
    text = "已排查各类矛盾纠纷158起，化解126起，化解率80.26%；接待群众2023人次。"
    proposals = propose(text, figures, year=2024)
    assert [(p.written, p.keys) for p in proposals] == [("126", ("disputes_resolved",))]
    assert with_placeholders(text, proposals) == (
        "已排查各类矛盾纠纷158起，化解{disputes_resolved}起，化解率80.26%；接待群众2023人次。"
    )
    assert with_placeholders(text, proposals, accepted=set()) == text  # each rejected: unchanged


def test_the_command_reads_text_and_word_files(wenxian, tmp_path):
    txt = tmp_path / "2024.txt"
    txt.write_text("排查矛盾纠纷157起，化解率80.25%。", encoding="utf-8")
    word = tmp_path / "2024.docx"
    document = docx.Document()
    document.add_paragraph("排查矛盾纠纷157起，化解率80.25%。")
    document.save(word)
    for path in (txt, word):
        out = io.StringIO()
        call_command("propose_placeholders", str(path), year=2024, stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0] == "排查矛盾纠纷{disputes_screened}起，化解率{dispute_resolution_rate}。"
        assert "共建议 2 处：" in lines
        assert "2. 80.25% → {dispute_resolution_rate}（矛盾纠纷化解率）" in lines


def test_the_command_refuses_other_files_in_chinese(wenxian, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match=r"只能读取 \.txt 或 \.docx 文件"):
        call_command("propose_placeholders", str(bad), year=2024)
    fake = tmp_path / "x.docx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="无法读取 Word 文件"):
        call_command("propose_placeholders", str(fake), year=2024)
