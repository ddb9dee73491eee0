"""The application's own font, so PDFs never depend on what the machine has installed.

With no system fonts, Qt writes a PDF with no text at all and reports no error; on a machine
with other fonts, the report would look different from one office to the next. Noto Sans ships
with the ``fontpkg-noto-sans`` package (a declared dependency) and is registered here with
:class:`QFontDatabase`. Its files are variable fonts: bold comes from the ``wght`` axis, which
:func:`app_font` sets, because ``QFont.setBold`` alone renders the regular outlines.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

from estates_planner.errors import ExportError

FAMILY = "Noto Sans"
_registered: str | None = None


def font_files() -> list[Path]:
    """The Noto Sans font files shipped by ``fontpkg-noto-sans`` (regular and italic)."""
    try:
        import fontpkg

        files = [f.path for f in fontpkg.family("noto-sans").files]
    except Exception:  # fontpkg missing or its registry unreadable: look in the package
        try:
            import fontpkg_noto_sans
        except ImportError:
            return []
        files = sorted(Path(fontpkg_noto_sans.ROOT, "files").glob("*.ttf"))
    return [Path(f) for f in files if Path(f).is_file()]


def register_app_fonts() -> str:
    """Register the bundled Noto Sans with Qt once and return its family name.

    Needs a ``QGuiApplication``. Raises :class:`~estates_planner.errors.ExportError` with a
    clear message when the font files are missing, because writing a PDF without them would
    give pages without text.
    """
    global _registered
    if _registered is not None:
        return _registered
    families: set[str] = set()
    files = font_files()
    for path in files:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.update(QFontDatabase.applicationFontFamilies(font_id))
    if not families:
        raise ExportError(
            "the report font (Noto Sans, from the fontpkg-noto-sans package) could not be "
            f"loaded from {', '.join(map(str, files)) or 'its package'}; reinstall "
            "Estates Planner")
    _registered = FAMILY if FAMILY in families else sorted(families)[0]
    return _registered


def app_font(point_size: float, *, bold: bool = False, italic: bool = False) -> QFont:
    """A Noto Sans font of ``point_size`` points; bold through the variable ``wght`` axis."""
    family = register_app_fonts()
    font = QFont(family)
    font.setPointSizeF(point_size)
    font.setItalic(italic)
    if bold:
        font.setWeight(QFont.Weight.Bold)
        font.setVariableAxis(QFont.Tag("wght"), 700.0)
    # no ligatures: "ffi" would come out of a PDF as one glyph, and a search for "Office"
    # in the exported text would fail
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    # no hinting: text should measure the same on screen and on paper
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
