"""The map with the bundled sample (data/), as a user first sees it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from estates_planner.render.map import MapContent, RenderOptions, render_map, style


@pytest.fixture
def sample_project(sample_dir):
    path = sample_dir / "sample_project.gpkg"
    if not path.exists():
        pytest.skip("data/sample_project.gpkg has not been generated "
                    "(python -m estates_planner.sample_data data/)")
    from estates_planner.project import open_project

    return open_project(path)


def test_sample_project_on_the_map(map_view, sample_project):
    layers = {"regions": sample_project.layers["regions"]} \
        if "regions" in sample_project.layers else {}
    map_view.set_content(MapContent(dataset=sample_project.dataset,
                                    scenario=sample_project.scenarios[0], layers=layers))
    # every site is inside the fitted view
    xmin, ymin, xmax, ymax = map_view.visible_extent()
    for site in sample_project.dataset.sites:
        assert xmin <= site.easting <= xmax and ymin <= site.northing <= ymax
    # clicking where a site is drawn finds a site
    site = sample_project.dataset.sites[0]
    pos = map_view.frame().point_to_px(site.easting, site.northing)
    map_view.grab_image()
    hit = map_view.item_at(pos)
    # across the country a town's sites are one cluster symbol, which the click finds
    assert hit is not None and hit[0] in ("site", "cluster")
    text = map_view.tooltip_at(pos)
    assert "desks" in text if hit[0] == "site" else site.name in text


def test_sample_csv_files_render(sample_dir):
    sites_path = sample_dir / "sites.csv"
    needs_path = sample_dir / "needs.csv"
    if not sites_path.exists():
        pytest.skip("data/sites.csv has not been generated")
    from estates_planner.io import load_dataset

    demand = sample_dir / "demand.csv"
    dataset, report = load_dataset(sites_path, needs_path, demand if demand.exists() else None)
    assert dataset is not None and len(dataset.sites) > 0
    image = QImage(300, 300, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    frame = render_map(painter, QRectF(0, 0, 300, 300), MapContent(dataset=dataset), None,
                       RenderOptions(legend=False, scale_bar=False, north_arrow=False))
    painter.end()
    drawn = 0
    for s in dataset.sites[:50]:
        p = frame.point_to_px(s.easting, s.northing)
        colour = image.pixelColor(int(p.x()), int(p.y()))
        if colour != QColor(style.BACKGROUND):
            drawn += 1
    assert drawn == min(50, len(dataset.sites))
