"""The shipped template: 温县信访局's 2024 report with its figures turned into placeholders
(data/default_template.json). Bureau name, county and year are placeholders too."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PATH = Path(__file__).parent / "data" / "default_template.json"


@cache
def default_template() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))
