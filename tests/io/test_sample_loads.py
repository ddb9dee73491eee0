"""The bundled sample (data/) must load with no errors and no warnings."""

from __future__ import annotations

from estates_planner.io import load_dataset, read_boundaries


def test_sample_tables_load_cleanly(sample_dir):
    dataset, report = load_dataset(sample_dir / "sites.csv", sample_dir / "needs.csv",
                                   sample_dir / "demand.csv")
    assert report.problems == [], report.format()
    assert len(dataset.sites) >= 150 and len(dataset.needs) >= 400
    assert len(dataset.regions) == 12
    # every sample need is located by its own point, its PDU's demand point or authority sites
    assert {n.location_source for n in dataset.needs} <= {"own", "demand", "authority mean"}


def test_sample_boundaries_load_cleanly(sample_dir):
    regions, report = read_boundaries(sample_dir / "boundaries.gpkg", layer="regions")
    assert report.problems == [], report.format()
    assert len(regions) == 12 and regions.crs.to_epsg() == 27700
    outline, report = read_boundaries(sample_dir / "boundaries.gpkg", layer="outline")
    assert report.ok and len(outline) == 1
