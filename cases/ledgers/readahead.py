"""A large sheet read in a second process while this one checks and writes its rows.

Reading the sheet's XML (cases.ledgers.xlsx) is about a fifth of a 100,000-row import, and it
needs nothing from the rest: no database, no settings beyond the limits already checked. On the
two cores a bureau's server has, a forked child reads the rows and sends them in chunks through
a pipe while this process checks and writes the previous ones (docs/benchmarks.md, "Excel import").

The child only parses: it touches no database connection and leaves with os._exit(), so nothing
it inherited (a PostgreSQL connection above all) is closed or flushed from its side. A file the
reader refuses (FileRejected) is refused here with the same message; any other failure in the
child is reported as a damaged file, and the child never outlives the import.

Small files, and systems without fork(), are read in this process as before.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from .xlsx import FileRejected, Sheet

CHUNK = 500  # rows per message: large enough that pickling, not the pipe, sets the pace


def read_ahead_bytes() -> int:
    """Sheets whose XML is at least this large are read in a second process (0: never)."""
    return getattr(settings, "LEDGER_IMPORT_READ_AHEAD_BYTES", 4 * 1024 * 1024)


class RowSource:
    """The rows of `sheet`, from this process or from a reading child; iterate it once."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._fraction = 0.0
        threshold = read_ahead_bytes()
        size = sheet.archive.getinfo(sheet.path).file_size
        self.ahead = bool(threshold) and size >= threshold and "fork" in multiprocessing.get_all_start_methods()

    def __iter__(self) -> Iterator[tuple[int, list]]:
        if not self.ahead:
            yield from self.sheet.rows()
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_read, args=(self.sheet, sender), daemon=True)
        child.start()
        sender.close()
        try:
            while True:
                try:
                    kind, payload, fraction = receiver.recv()
                except EOFError:
                    raise FileRejected(_("读取 Excel 文件时出错，请确认文件完好后重试。")) from None
                if kind == "rows":
                    self._fraction = fraction
                    yield from payload
                elif kind == "error":
                    raise FileRejected(payload)
                else:
                    self._fraction = 1.0
                    return
        finally:
            receiver.close()
            if child.is_alive():
                child.terminate()
            child.join()

    def fraction_read(self) -> float:
        """How far through the sheet the rows handed out so far reach, 0–1 (for progress bars)."""
        return self._fraction if self.ahead else self.sheet.fraction_read()


def _read(sheet: Sheet, sender) -> None:
    """The child: read every row and send them in chunks, then ("end", …) or ("error", message)."""
    code = 0
    try:
        chunk = []
        for row in sheet.rows():
            chunk.append(row)
            if len(chunk) >= CHUNK:
                sender.send(("rows", chunk, sheet.fraction_read()))
                chunk = []
        sender.send(("rows", chunk, 1.0))
        sender.send(("end", None, 1.0))
    except FileRejected as exc:
        sender.send(("error", str(exc), 0.0))
    except BaseException:
        code = 1
        with contextlib.suppress(OSError):
            sender.send(("error", _("读取 Excel 文件时出错，请确认文件完好后重试。"), 0.0))
    finally:
        sender.close()
        os._exit(code)
