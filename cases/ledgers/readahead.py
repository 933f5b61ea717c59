"""A large sheet read in a second process while this one checks and writes its rows.

Reading the sheet's XML (cases.ledgers.xlsx), turning its cells into values and cleaning each
value as its field would (cases.ledgers.service._CellReader) is about two fifths of a
100,000-row import, and it needs nothing from the rest: no database, no settings beyond the
limits already checked. On the two cores a bureau's server has, a forked child does it and
sends the rows in chunks through a pipe while this process checks the records and writes the
previous ones (docs/benchmarks.md, "Excel import").

The child touches no database connection and leaves with os._exit(), so nothing it inherited
(a PostgreSQL connection above all) is closed or flushed from its side. A file the reader
refuses (FileRejected) is refused here with the same message; any other failure in the child is
reported as a damaged file, and the child never outlives the import.

Small files, and systems without fork(), are read in this process as before."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator

try:
    import fcntl
except ImportError:  # not a POSIX system: no fork() either, so no reading child
    fcntl = None

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from .xlsx import FileRejected, Sheet

CHUNK = 500  # rows per message: large enough that pickling, not the pipe, sets the pace
PIPE_BYTES = 1024 * 1024  # the pipe's buffer: about eight chunks (Linux's default limit for it)
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux (fcntl names it since Python 3.10)


def read_ahead_bytes() -> int:
    """Sheets whose XML is at least this large are read in a second process (0: never)."""
    return getattr(settings, "LEDGER_IMPORT_READ_AHEAD_BYTES", 4 * 1024 * 1024)


class RowSource:
    """The rows of `sheet`, from this process or from a reading child.

    `each(rows, read)` hands out `read(number, values)` for each row of `rows` (the sheet's rows
    iterator, perhaps partly consumed here: the header search reads the first rows itself). For
    a large sheet a forked child goes on from where that iterator stands and calls `read` too,
    so that turning cells into values runs beside the checking and writing here. `read` must
    then need nothing but what the child inherits (no database), and a row it returns None for
    is dropped. What `keep()` returns in the child at the end is `kept` here (None when read
    here), for what `read` gathered on the side."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._fraction = 0.0
        self.kept = None
        threshold = read_ahead_bytes()
        size = sheet.archive.getinfo(sheet.path).file_size
        self.ahead = bool(threshold) and size >= threshold and "fork" in multiprocessing.get_all_start_methods()

    def __iter__(self) -> Iterator[tuple[int, list]]:
        return self.each(self.sheet.rows())

    def each(self, rows: Iterator, read: Callable | None = None, keep: Callable | None = None) -> Iterator:
        if not self.ahead:
            for row in rows:
                item = read(*row) if read else row
                if item is not None:
                    yield item
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        _widen(sender)
        child = context.Process(target=_read, args=(self.sheet, rows, read, keep, sender), daemon=True)
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
                    self.kept = payload
                    return
        finally:
            receiver.close()
            if child.is_alive():
                child.terminate()
            child.join()

    def fraction_read(self) -> float:
        """How far through the sheet the rows handed out so far reach, 0–1 (for progress bars)."""
        return self._fraction if self.ahead else self.sheet.fraction_read()


def _widen(connection) -> None:
    """Let the pipe hold several chunks (Linux: 64 KB by default, one chunk is ~120 KB), so that
    the child reads on while this process writes a batch instead of waiting for it to ask."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        fcntl.fcntl(connection.fileno(), F_SETPIPE_SZ, PIPE_BYTES)


def _read(sheet: Sheet, rows: Iterator, read: Callable | None, keep: Callable | None, sender) -> None:
    """The child: read every row and send them in chunks, then ("end", keep(), …) or ("error",
    message, …)."""
    code = 0
    try:
        _without_database()
        chunk = []
        for row in rows:
            item = read(*row) if read else row
            if item is None:
                continue
            chunk.append(item)
            if len(chunk) >= CHUNK:
                sender.send(("rows", chunk, sheet.fraction_read()))
                chunk = []
        sender.send(("rows", chunk, 1.0))
        sender.send(("end", keep() if keep else None, 1.0))
    except FileRejected as exc:
        sender.send(("error", str(exc), 0.0))
    except BaseException:
        code = 1
        with contextlib.suppress(OSError):
            sender.send(("error", _("读取 Excel 文件时出错，请确认文件完好后重试。"), 0.0))
    finally:
        sender.close()
        os._exit(code)


def _without_database() -> None:
    """In the child: any use of a database connection fails (and the import with it, as a file
    that could not be read) instead of sharing the parent's connection behind its back."""

    def refused(*args, **kwargs):
        raise RuntimeError("the reading child (cases.ledgers.readahead) uses no database")

    for connection in connections.all():
        connection.ensure_connection = connection.cursor = connection.connect = refused
