"""The PDF site plan's layout: the document engine (``document``), flowing tables
(``tables``), the report's maps (``maps``), pages (``pages``), site sections (``sections``)
and charts (``charts``). The entry point is :mod:`estates_planner.render.site_plan`."""
