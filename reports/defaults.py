"""The shipped template (data/default_template.json): a county bureau's annual report with its
figures turned into placeholders. It names no place: the bureau's name, level and place wording
are placeholders too ({self_reference} 我县/我市, {level_word} 县直单位, {levels} 中央、省、市、县,
{province} 河南…), filled from the bureau's settings (cases.Bureau.place_words)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PATH = Path(__file__).parent / "data" / "default_template.json"


@cache
def default_template() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))
