"""The PDF site plan's layout: the document engine (``document``), flowing tables
(``tables``, with the day bars and totals of a site card's week), the report's maps
(``maps``), pages (``pages``) and site sections (``sections``). The entry point is
:mod:`estates_planner.render.site_plan`."""
