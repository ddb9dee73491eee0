"""The PDF's layouts (summary, full, provider, region): what each promises is in its text,
the outline has an entry per region and site, and no page of site cards is mostly blank.

The hand-made plan is tests/plan_builders.py; the national case is a generated instance
(estates_planner.optimise.synthetic) of about 260 used sites, planned greedily.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.errors import ExportError

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

DAY = date(2026, 11, 25)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    return " ".join(out.split())  # names may wrap in table cells


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every outline entry, read back with pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return found


def _write(tmp_path, name, project=None, **options):
    from estates_planner.render.site_plan import PdfOptions, write_site_plan

    path = tmp_path / f"{name}.pdf"
    layout = write_site_plan(project or pb.project(), "Baseline", path,
                             PdfOptions(created=DAY, **options))
    return path, layout


def test_full_layout_outline_contents_and_metadata(qapp, tmp_path):
    from pypdf import PdfReader

    path, layout = _write(tmp_path, "full")
    outline = _outline(path)
    assert outline == [(level, title, page) for level, title, page in layout.anchors]
    regions = [t for lv, t, _ in outline if lv == 0]
    assert pb.GM in regions and pb.YORKS in regions
    sites = {t: p for lv, t, p in outline if lv == 1}
    # every used site once, under its region's page: GM on page 5, Yorkshire's three on 6
    assert sites == {"Manchester Probation Office": 4, "Hope House": 5,
                     "Leeds Probation Office": 5, "Wakefield Market Unit": 5}
    info = PdfReader(str(path)).metadata
    assert info.title == "Site plan: Test project – Baseline"
    assert info.author == "Test project"
    contents = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"],
                              check=True, capture_output=True, text=True).stdout
    assert "Contents" in contents
    # the contents give the page numbers the outline points at (1-based)
    assert "p. 6: Hope House, Leeds Probation Office, Wakefield Market Unit" in \
        " ".join(contents.split())


def test_summary_layout_has_every_region_in_few_pages(qapp, tmp_path):
    path, layout = _write(tmp_path, "summary", layout="summary")
    assert layout.pages <= 6
    text = _text(path)
    assert "Plan summary" in text
    for region in (pb.GM, pb.YORKS):
        assert region in text
    # the region table's figures, worked out in tests/report/test_headline.py
    assert f"{pb.YORKS} 3 4 0 £18,800 2 of 2 (100%) 0 of 1 (0%)" in text
    assert f"{pb.GM} 1 1 1 £2,800 1 of 1 (100%) 0 of 0 (–)" in text
    assert "Annual property cost £21,600" in text
    assert "Optimiser score 1,041,836 points" in text and "£1,041,836" not in text
    # the need not placed, its nearest blocked site (N6 sits on Manchester Probation Office,
    # an authority site: R4 alone stops it) and the smallest change that would place it
    unplaced = text[text.index("Needs not placed and long journeys"):]
    assert "1 need not placed; 0 placed needs with a journey over 60 km" in unplaced
    assert "N6" in unplaced
    assert "Manchester Probation Office, 0.0 km away, 4 of 40 desk-days a week used" \
        in unplaced and "(R4)" in unplaced
    assert "Allow wellbeing needs at authority sites (to use Manchester Probation Office)" \
        in unplaced
    assert "Leeds Probation Office" not in text  # no site cards


def test_provider_pack_has_every_need_of_the_provider(qapp, tmp_path):
    """Bright Futures has N1 (Leeds Probation Office) and N5 (Manchester Probation Office);
    its partners there are Home First (N2 at Leeds); options and blocks by rule follow."""
    path, layout = _write(tmp_path, "pack", layout="provider", provider="Bright Futures")
    text = _text(path)
    assert "Provider pack: Bright Futures" in text
    assert "N1" in text and "N5" in text
    assert "N3" not in text and "N6" not in text  # other providers' needs
    assert "Home First (Accommodation)" in text  # partner at Leeds Probation Office
    assert "Options for each need" in text and "Blocked sites, by rule" in text
    assert layout.pages <= 4
    titles = [t for _lv, t, _p in _outline(path)]
    assert "Where each need sits and why" in titles


def test_provider_pack_of_an_unknown_provider_is_a_clear_error(qapp, tmp_path):
    from estates_planner.render.site_plan import PdfOptions

    with pytest.raises(ExportError, match="no provider 'Nobody' in the project; it has: "
                                          "Bright Futures, Calm Minds"):
        _write(tmp_path, "x", layout="provider", provider="Nobody")
    with pytest.raises(ExportError, match="needs a provider"):
        PdfOptions(layout="provider")
    with pytest.raises(ExportError, match="needs one region"):
        PdfOptions(layout="region", regions=(pb.GM, pb.YORKS))
    with pytest.raises(ExportError, match="layout must be one of summary, full"):
        PdfOptions(layout="poster")


def test_region_pack_holds_its_sites_and_needs_only(qapp, tmp_path):
    path, _layout = _write(tmp_path, "yorks", layout="region", regions=(pb.YORKS,))
    text = _text(path)
    assert "Region pack" in text
    for site in ("Hope House", "Leeds Probation Office", "Wakefield Market Unit"):
        assert site in text
    for need in ("N1", "N2", "N3", "N4"):
        assert need in text
    assert "Manchester Probation Office" not in text and "N5" not in text


def test_every_page_says_how_journeys_are_measured(qapp, tmp_path):
    path, layout = _write(tmp_path, "full")
    pages = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")[:layout.pages]
    for page in pages:
        assert "Journeys measured as straight lines (British National Grid)." in page


def _card_pages_mostly_filled(layout) -> list[tuple[int, str, float]]:
    """Pages of site cards more than 40 % blank that are not the last of their region."""
    bad = []
    for page, region in sorted(layout.page_region.items()):
        last = layout.page_region.get(page + 1) != region
        if not last and layout.fill[page] < 0.6:
            bad.append((page + 1, region, round(layout.fill[page], 2)))
    return bad


@pytest.mark.slow
def test_national_full_plan_fits_and_holds_every_site(qapp, tmp_path):
    """A generated national instance (560 sites, 900 needs; about 260 sites used): the full
    plan in at most 110 pages, every used site in its text and its outline, and no page of
    cards more than 40 % blank except the last of a region."""
    from estates_planner.optimise import greedy_plan
    from estates_planner.optimise.synthetic import generate_national_instance
    from estates_planner.project import Project
    from estates_planner.render.site_plan import PdfOptions, write_site_plan

    sc = generate_national_instance(560, 900, seed=1)
    sc = sc.replace(name="Baseline")
    result = greedy_plan(sc)
    used = [sc.dataset.site(s) for s in result.used_site_ids]
    assert 240 <= len(used) <= 280
    project = Project(dataset=sc.dataset, scenarios=[sc], results={"Baseline": result},
                      metadata={"title": "National"})
    path = tmp_path / "national.pdf"
    layout = write_site_plan(project, "Baseline", path, PdfOptions(created=DAY))
    assert layout.pages <= 110
    assert _card_pages_mostly_filled(layout) == []
    text = _text(path)
    for site in used:
        assert site.name in text
    outline = _outline(path)
    assert sorted(t for lv, t, _ in outline if lv == 1) == sorted(s.name for s in used)
    regions = {t for lv, t, _ in outline if lv == 0}
    assert {s.region for s in used} <= regions
