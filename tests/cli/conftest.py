"""Shared by the CLI's solve tests: three sites and three needs small enough to work by hand.

A and B are 300 m apart in P1 (B is half A's desk price); W, 1 km north of A, is the only
women-only site; the ETE and wellbeing needs sit at A, the women's need at W.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SITES = """\
site_id,name,region,pdu,kind,women_only,desks,interview_rooms,annual_cost_per_desk,\
easting,northing
A,=Alpha House,North,P1,authority,no,2,1,1000,400000,300000
B,Beta,North,P1,market,no,2,1,500,400300,300000
W,Women's Centre,North,P1,provider,yes,1,1,800,400000,301000
"""
NEEDS = """\
need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,caseload,easting,\
northing
e1,Jobs Ltd,ete,North,P1,1,0,5,10,400000,300000
w1,Wellbeing Co,wellbeing,North,P1,1,0,5,10,400000,300000
f1,Women First,womens,North,P1,1,0,5,0,400000,301000
"""


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    """``sites.csv`` and ``needs.csv`` in the test's folder."""
    sites, needs = tmp_path / "sites.csv", tmp_path / "needs.csv"
    sites.write_text(SITES, encoding="utf-8")
    needs.write_text(NEEDS, encoding="utf-8")
    return sites, needs
