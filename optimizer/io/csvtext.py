"""CSV text as offices save it: the encoding and the separator of a file, found the same way by
the bundle loader (whole files) and the region splitter (streamed a block at a time).

Encodings: a BOM decides (UTF-8, or UTF-16: Excel's "Unicode text"); without one, UTF-8, else
GB18030 (a superset of GBK: Excel's "CSV" on a Chinese Windows). The separator is `,` unless the
header has tabs and no comma (Unicode text is tab-separated). A workbook saved under a .csv name is
told apart from text that does not decode, so each gets its own problem.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from optimizer.errors import Problem
from optimizer.io.problems import bad_encoding, workbook_not_csv

READ_BLOCK = 1 << 20
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
WITHOUT_BOM = ("utf-8", "gb18030")
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
"""The first bytes of an .xlsx (a zip) and of an .xls or WPS .et file (an OLE compound file)."""


def candidates(head: bytes) -> tuple[str, ...]:
    """The encodings worth trying for a file starting with `head`, in order."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return (encoding,)
    return WITHOUT_BOM


def decoded(path: Path, problems: list[Problem]) -> str | None:
    """A whole file's text; None (with the problem) when it is no text this module reads."""
    data = path.read_bytes()
    for encoding in candidates(data[:4]):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.append(not_text(path, data[:8]))
    return None


def encoding_of(path: Path, problems: list[Problem]) -> str | None:
    """The encoding `decoded` would use, checked block by block rather than read whole; None
    (with the problem) when there is none."""
    with path.open("rb") as file:
        head = file.read(8)
    for encoding in candidates(head):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as file:
                while block := file.read(READ_BLOCK):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    problems.append(not_text(path, head))
    return None


def not_text(path: Path, head: bytes) -> Problem:
    return workbook_not_csv(path.name) if head.startswith(WORKBOOK_SIGNATURES) else bad_encoding(path.name)


def delimiter_of(first_line: str) -> str:
    """`\\t` for tab-separated text (a header with tabs and no comma), else `,`."""
    return "\t" if "\t" in first_line and "," not in first_line else ","
