"""What the import's preview page shows of a check (templates/admin/import_export/ledger_import.html):
from the check's result in the request, or stored as JSON by a check the worker ran
(cases.jobs.imports) and read back when the clerk opens it (cases.ledgers.kept)."""

from __future__ import annotations

from .results import ImportResult

SHOWN_ERRORS = 500  # groups of errors listed; the rest only counted


def context(result: ImportResult, chosen: dict[tuple[str, str], str]) -> dict:
    """The preview's template variables for `result`, with the values the clerk chose."""
    groups = result.error_groups()
    headers, rows = _table(result)
    return {
        "result": result,
        "chosen": chosen,
        "error_groups": groups[:SHOWN_ERRORS],
        "hidden_errors": sum(n for *_rest, n in groups[SHOWN_ERRORS:]) + result.unlisted_errors,
        "issues": [(issue, chosen.get((issue.column, issue.raw), "")) for issue in result.issues],
        "warnings": list(result.warnings.values()),
        "shown_headers": headers,
        "preview_rows": rows,
    }


def snapshot(result: ImportResult, chosen: dict[tuple[str, str], str]) -> dict:
    """The preview of `result` as JSON-ready data, the same variables as `context()` gives."""
    page = context(result, chosen)
    return {
        "result": {
            "ok": result.ok,
            "only_values": result.only_values,
            "file_name": result.file_name,
            "file_error": result.file_error,
            "summary": result.summary(),
            "rows": result.rows,
            "notices": list(result.notices),
            "mappings_used": bool(result.mappings_used),
            "mapping_lines": result.mapping_lines(),
            "tally": bool(result.tally),
            "tally_rows": [[str(unit), str(year or ""), *counts] for unit, year, *counts in result.tally_rows()],
        },
        "chosen": [[column, raw, value] for (column, raw), value in chosen.items()],
        "error_groups": [list(group) for group in page["error_groups"]],
        "hidden_errors": page["hidden_errors"],
        "issues": [
            [
                {
                    "column": issue.column,
                    "raw": issue.raw,
                    "count": issue.count,
                    "rows_text": issue.rows_text,
                    "ambiguous": issue.ambiguous,
                    "suggestions": list(issue.suggestions),
                    "others": issue.others,
                    "message": issue.message,
                },
                value,
            ]
            for issue, value in page["issues"]
        ],
        "warnings": [
            {"message": w.message, "rows_text": w.rows_text, "count": w.count, "figures_text": w.figures_text}
            for w in page["warnings"]
        ],
        "shown_headers": page["shown_headers"],
        "preview_rows": [
            [action, number, [list(cell) for cell in cells]] for action, number, cells in page["preview_rows"]
        ],
    }


def restored(data: dict) -> dict:
    """The template variables from a stored `snapshot()`."""
    return {**data, "chosen": {(column, raw): value for column, raw, value in data.get("chosen", [])}}


def _table(result: ImportResult) -> tuple[list[str], list]:
    """The preview's headers and rows without the columns that are empty in every previewed row,
    so that the table fits the screen; a cell is (as read, as typed when it differs)."""
    if not result.preview:
        return [], []
    filled = [
        i for i in range(len(result.headers)) if any(cells[i][0] or cells[i][1] for _a, _n, cells in result.preview)
    ]
    rows = [(action, number, [cells[i] for i in filled]) for action, number, cells in result.preview]
    return [result.headers[i] for i in filled], rows
