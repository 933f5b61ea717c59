"""Real .xlsx files, written by openpyxl the way clerks' spreadsheets come."""

import io

from openpyxl import Workbook


def make_xlsx(rows, *, titles=(), merge_title=True, write_only=False) -> bytes:
    """A workbook whose first sheet has `titles` rows (merged across the header) and then `rows`."""
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    width = max((len(r) for r in rows), default=1)
    for title in titles:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    if titles and merge_title and not write_only:
        for i in range(1, len(titles) + 1):
            sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=max(width, 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
