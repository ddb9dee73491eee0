"""The PDF's outline (bookmarks) and document information, added after Qt has drawn it.

``QPdfWriter`` cannot write an outline, nor an author, so the file Qt writes is read back with
``pypdf``, and a bookmark per part and region, one per site under its region, the title, the
author and the subject are appended to it as an incremental update (Qt's bytes stay as they
are). On the national plan this takes about 0.1 s of CPU (benchmarks/bench_pdf.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from estates_planner.errors import ExportError

Anchor = tuple[int, str, int]  # level (0 part or region, 1 site), title, page index


def add_outline(source: Path, target: Path, anchors: Sequence[Anchor], *, title: str,
                author: str, subject: str = "", shown: Path | None = None) -> None:
    """Write ``source`` to ``target`` with an outline from ``anchors`` and the metadata.

    Messages name ``shown`` (the file the user asked for) when given. Qt reports success
    even when a full disk cut its file short, so a ``source`` that cannot be read back is
    a failed write, said in one sentence.
    """
    from pypdf import PdfWriter
    from pypdf.errors import PyPdfError

    from estates_planner.io.atomic import failure_reason

    name = shown if shown is not None else target

    try:
        # an incremental update: Qt's bytes stay as they are, the outline is appended
        writer = PdfWriter(str(source), incremental=True)
        parent = None
        for level, text, page in anchors:
            if level == 0 or parent is None:
                parent = writer.add_outline_item(title=text, page_number=page)
            else:
                writer.add_outline_item(title=text, page_number=page, parent=parent)
        writer.add_metadata({"/Title": title, "/Author": author, "/Subject": subject,
                             "/Creator": "Estates Planner"})
        writer.page_mode = "/UseOutlines"
        with open(target, "wb") as out:
            writer.write(out)
    except (OSError, PyPdfError) as exc:
        previous = ("the previous file is unchanged" if shown is not None and shown.exists()
                    else "no file was written")
        raise ExportError(f"cannot write {name}: {failure_reason(exc, Path(target).parent)}; "
                          f"{previous}") from exc
