"""The workspace's edits of the project's data: import, add, edit and delete sites and needs.

A mixin of :class:`estates_planner.workspace.Workspace`, kept apart because these edits are
the ones that move every scenario onto new data (``scenario_on_new_data``) and drop the plans
that no longer fit; they use its snapshot, commit and ``dataset``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from estates_planner.errors import ScenarioError
from estates_planner.io.records import (
    extra_with_days,
    need_fields,
    need_from_fields,
    site_fields,
    site_from_fields,
)
from estates_planner.model import Dataset, ServiceNeed, Site
from estates_planner.project import result_uses, scenario_on_new_data

if TYPE_CHECKING:
    from estates_planner.project import Project
    from estates_planner.workspace.history import Snapshot


class DataEdits:
    """Edits of the sites and needs shared by every scenario (each one undoable)."""

    project: Project
    _solved_for: dict

    if TYPE_CHECKING:
        @property
        def dataset(self) -> Dataset: ...
        def _snapshot(self) -> Snapshot: ...
        def _commit(self, label: str, before: Snapshot) -> None: ...

    def _need(self, need_id: str):
        if not self.dataset.has_need(need_id):
            raise ScenarioError(f"there is no need {need_id!r} in this project")
        return self.dataset.need(need_id)

    def _site(self, site_id: str):
        if not self.dataset.has_site(site_id):
            raise ScenarioError(f"there is no site {site_id!r} in this project")
        return self.dataset.site(site_id)

    def replace_dataset(self, dataset: Dataset, label: str = "Import data") -> None:
        """Swap in newly imported sites or needs; every scenario moves onto the new data.

        Results of the old data no longer fit and are dropped (undo brings them back).
        """
        before = self._snapshot()
        p = self.project
        p.dataset = dataset
        p.scenarios = [s.replace(dataset=dataset) for s in p.scenarios]
        p.results = {}
        self._solved_for = {}
        self._commit(label, before)

    def _edit_data(self, dataset: Dataset, label: str, *, removed_site: str | None = None,
                   removed_need: str | None = None) -> None:
        """Every scenario onto ``dataset`` (one undoable edit). Plans that place a need at a
        removed site, or hold a removed need, no longer fit and are dropped; the others stay,
        shown as out of date until solved again."""
        before = self._snapshot()
        p = self.project
        p.dataset = dataset
        p.scenarios = [scenario_on_new_data(s, dataset, removed_site=removed_site,
                                            removed_need=removed_need) for s in p.scenarios]
        if removed_site is not None or removed_need is not None:
            for name in [n for n, r in p.results.items()
                         if result_uses(r, site_id=removed_site, need_id=removed_need)]:
                del p.results[name]
                self._solved_for.pop(name, None)
        self._commit(label, before)

    def add_site(self, fields: Mapping[str, object]) -> Site:
        """Add a site from form fields named as the sites table's columns (checked as the
        import checks a row; a point by 'easting'/'northing' or 'lon'/'lat')."""
        site = site_from_fields(fields)
        if self.dataset.has_site(site.site_id):
            raise ScenarioError(f"there is already a site {site.site_id!r}; give the new "
                                "site another site_id")
        ds = self.dataset
        self._edit_data(dataclasses.replace(ds, sites=(*ds.sites, site)),
                        f"Add site {site.name}")
        return site

    def edit_site(self, site_id: str, **changes: object) -> Site:
        """Change a site's attributes (name, kind, women_only, desks, interview_rooms,
        annual_cost_per_desk, fit_out_cost, available_from, step_free, region, pdu, point),
        checked as the import checks them."""
        old = self._site(site_id)
        if changes.get("site_id", site_id) != site_id:
            raise ScenarioError("a site's id cannot be changed; add a new site instead")
        fields = {**site_fields(old), **changes}
        if {"lon", "lat"} & set(changes):
            fields.pop("easting", None)
            fields.pop("northing", None)
        new = dataclasses.replace(site_from_fields(fields), extra=old.extra)
        if new == old:
            return old
        ds = self.dataset
        sites = tuple(new if s.site_id == site_id else s for s in ds.sites)
        self._edit_data(dataclasses.replace(ds, sites=sites), f"Edit site {new.name}")
        return new

    def delete_site(self, site_id: str) -> None:
        """Remove a site no scenario pins a need to (its closures and overrides go too)."""
        site = self._site(site_id)
        pinned = sorted({f"{n} in {s.name}" for s in self.project.scenarios
                         for n, t in s.pins.items() if t == site_id})
        if pinned:
            raise ScenarioError(f"{site.name} cannot be deleted: needs are pinned to it "
                                f"({', '.join(pinned[:5])}); unpin them first")
        ds = self.dataset
        self._edit_data(dataclasses.replace(
            ds, sites=tuple(s for s in ds.sites if s.site_id != site_id)),
            f"Delete site {site.name}", removed_site=site_id)

    def add_need(self, fields: Mapping[str, object]) -> ServiceNeed:
        """Add a need from form fields named as the needs table's columns."""
        ds = self.dataset
        need = need_from_fields(fields, ds.sites, ds.demand)
        if ds.has_need(need.need_id):
            raise ScenarioError(f"there is already a need {need.need_id!r}; give the new "
                                "need another need_id")
        self._edit_data(dataclasses.replace(ds, needs=(*ds.needs, need)),
                        f"Add need {need.need_id}")
        return need

    def edit_need(self, need_id: str, **changes: object) -> ServiceNeed:
        """Change a need's desks, interview_rooms, days_per_week, caseload, max_travel_km
        (None: no limit), fixed weekdays (``days``: "Mon,Wed"; None or "": the optimiser
        chooses) or other fields, checked as the import checks them (so fixed days must be
        as many as its days a week)."""
        old = self._need(need_id)
        if changes.get("need_id", need_id) != need_id:
            raise ScenarioError("a need's id cannot be changed; add a new need instead")
        ds = self.dataset
        fields = {**need_fields(old), **changes}
        new = need_from_fields(fields, ds.sites, ds.demand)
        new = dataclasses.replace(new, extra=extra_with_days(old.extra, new.fixed_days),
                                  location_source=old.location_source
                                  if new.xy == old.xy else new.location_source)
        if new == old:
            return old
        needs = tuple(new if n.need_id == need_id else n for n in ds.needs)
        what = ", ".join("fixed days" if k == "days" else k.replace("_", " ")
                         for k in changes)
        self._edit_data(dataclasses.replace(ds, needs=needs), f"Edit {need_id} ({what})")
        return new

    def delete_need(self, need_id: str) -> None:
        self._need(need_id)
        ds = self.dataset
        self._edit_data(dataclasses.replace(
            ds, needs=tuple(n for n in ds.needs if n.need_id != need_id)),
            f"Delete need {need_id}", removed_need=need_id)
