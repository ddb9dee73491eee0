"""The illustrative national sample in ``data/``: sites, needs, demand, boundaries, a road
network and a project.

Run ``python -m estates_planner.sample_data data/`` to regenerate every file. The output is
deterministic (a seeded generator and fixed time stamps), so regenerating gives the same bytes
and a diff of ``data/`` shows only deliberate changes.

The 12 probation regions and their probation delivery units (PDUs) are as in England and
Wales; the offices sit in real towns at their approximate coordinates. Everything else -
providers, capacities, costs, caseloads, the coastline and region boundaries - is made up to
look plausible, and so is the road network (towns joined along a triangulation, detours round
estuaries; :mod:`estates_planner.travel.sample_network`). **It is illustrative, not official
data**, and every file says so.

The capacities are sized from the needs so that the sample solves comfortably under every
rule: each PDU's authority offices have half as much room again as its ETE and accommodation
needs, its provider and market sites as much again as its wellbeing needs, and each region's
women-only sites as much again as its women's needs. Travel limits cover the need's PDU sites
both in a straight line and along the sample roads, so it solves either way.
"""

from __future__ import annotations

import csv
import functools
import math
import random
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from pyproj import Transformer

from estates_planner.model import BNG_EPSG, WGS84_EPSG, Lot

SEED = 20270401
GO_LIVE = date(2027, 4, 1)
# fixed stamps so that the files are byte-for-byte reproducible
STAMP = datetime(2026, 11, 25, tzinfo=UTC)
ILLUSTRATIVE = "Illustrative sample, not official data"
TITLE = "England and Wales sample (illustrative)"
CLOSED_OFFICE_SCENARIO = "Close one office"
# The four-year contract plan (issue 15, with data/ramp.csv), written into sites.csv by
# _contract_dates(): in these regions the first provider-owned office's lease ends with
# contract year 2 (available_until), and the market offices that would open in December 2027
# open a year later (from contract year 3; twelve market offices already open in year 2), so
# moves are worth weighing. A single-year plan at go-live is unchanged by them: it ignores
# lease ends (only a contract year has a last day), and an office opening after go-live is
# barred by R7 either way.
LEASE_END = date(2029, 3, 31)
LEASE_END_REGIONS = ("North East", "East Midlands", "West Midlands", "Wales",
                     "South West", "London")
# an office the baseline's optimal plan uses (four needs), so the what-if shows needs moving
# and what that costs; closing an office the plan leaves empty would change nothing
CLOSED_OFFICE_NAME = "Middlesbrough Probation Office"

REGION_CODES = {
    "North East": "NE", "North West": "NW", "Greater Manchester": "GM",
    "Yorkshire and the Humber": "YH", "East Midlands": "EM", "West Midlands": "WM",
    "East of England": "EE", "Wales": "WA", "South West": "SW", "South Central": "SC",
    "Kent Surrey and Sussex": "KSS", "London": "LDN",
}

# region -> PDU -> towns (name, lon, lat); the first town is the PDU's demand point
PLACES: dict[str, dict[str, list[tuple[str, float, float]]]] = {
    "North East": {
        "Newcastle upon Tyne": [("Newcastle upon Tyne", -1.6178, 54.9783)],
        "North Tyneside and Northumberland": [("North Shields", -1.4496, 55.0088),
                                              ("Ashington", -1.5680, 55.1810)],
        "Gateshead and South Tyneside": [("Gateshead", -1.6040, 54.9527),
                                         ("South Shields", -1.4320, 54.9986)],
        "Sunderland": [("Sunderland", -1.3822, 54.9069)],
        "County Durham and Darlington": [("Durham", -1.5759, 54.7761),
                                         ("Darlington", -1.5526, 54.5235)],
        "Teesside": [("Middlesbrough", -1.2348, 54.5742), ("Stockton-on-Tees", -1.3187, 54.5705),
                     ("Hartlepool", -1.2128, 54.6863)],
    },
    "North West": {
        "Cumbria": [("Carlisle", -2.9308, 54.8925), ("Barrow-in-Furness", -3.2267, 54.1108),
                    ("Workington", -3.5447, 54.6425)],
        "Lancashire North": [("Preston", -2.7031, 53.7632), ("Lancaster", -2.8007, 54.0466),
                             ("Blackpool", -3.0357, 53.8175)],
        "Lancashire East": [("Blackburn", -2.4820, 53.7486), ("Burnley", -2.2418, 53.7893)],
        "Liverpool": [("Liverpool", -2.9916, 53.4084)],
        "Wirral": [("Birkenhead", -3.0146, 53.3934)],
        "Sefton": [("Bootle", -2.9937, 53.4466), ("Southport", -3.0050, 53.6458)],
        "St Helens and Knowsley": [("St Helens", -2.7367, 53.4539), ("Huyton", -2.8417, 53.4117)],
        "Cheshire East": [("Crewe", -2.4410, 53.0979), ("Macclesfield", -2.1253, 53.2587)],
        "Cheshire West, Halton and Warrington": [("Chester", -2.8919, 53.1934),
                                                  ("Warrington", -2.5970, 53.3900),
                                                  ("Runcorn", -2.7290, 53.3420)],
    },
    "Greater Manchester": {
        "Manchester": [("Manchester", -2.2426, 53.4808)],
        "Bolton": [("Bolton", -2.4282, 53.5769)],
        "Bury and Rochdale": [("Rochdale", -2.1561, 53.6097), ("Bury", -2.2966, 53.5933)],
        "Oldham": [("Oldham", -2.1183, 53.5409)],
        "Salford": [("Salford", -2.2901, 53.4875)],
        "Stockport": [("Stockport", -2.1575, 53.4106)],
        "Tameside": [("Ashton-under-Lyne", -2.0980, 53.4880)],
        "Trafford": [("Stretford", -2.3230, 53.4460), ("Sale", -2.3180, 53.4240)],
        "Wigan": [("Wigan", -2.6325, 53.5450), ("Leigh", -2.5190, 53.4970)],
    },
    "Yorkshire and the Humber": {
        "Leeds": [("Leeds", -1.5491, 53.8008)],
        "Bradford and Calderdale": [("Bradford", -1.7594, 53.7960), ("Halifax", -1.8575, 53.7210)],
        "Kirklees": [("Huddersfield", -1.7850, 53.6450), ("Dewsbury", -1.6300, 53.6910)],
        "Wakefield": [("Wakefield", -1.4977, 53.6833)],
        "Sheffield": [("Sheffield", -1.4701, 53.3811)],
        "Doncaster": [("Doncaster", -1.1281, 53.5228)],
        "Rotherham": [("Rotherham", -1.3567, 53.4326)],
        "Barnsley": [("Barnsley", -1.4797, 53.5526)],
        "Hull and East Riding": [("Kingston upon Hull", -0.3367, 53.7457),
                                 ("Bridlington", -0.1925, 54.0831)],
        "North Yorkshire": [("York", -1.0815, 53.9600), ("Harrogate", -1.5373, 53.9921),
                            ("Scarborough", -0.4048, 54.2831), ("Northallerton", -1.4330, 54.3390)],
        "North and North East Lincolnshire": [("Grimsby", -0.0755, 53.5675),
                                              ("Scunthorpe", -0.6546, 53.5887)],
    },
    "East Midlands": {
        "Derby City": [("Derby", -1.4746, 52.9225)],
        "Derbyshire": [("Chesterfield", -1.4217, 53.2350), ("Buxton", -1.9100, 53.2590)],
        "Nottingham City": [("Nottingham", -1.1581, 52.9548)],
        "Nottinghamshire": [("Mansfield", -1.1986, 53.1472), ("Newark-on-Trent", -0.8080, 53.0760),
                            ("Worksop", -1.1240, 53.3020)],
        "Leicester": [("Leicester", -1.1398, 52.6369)],
        "Leicestershire and Rutland": [("Loughborough", -1.2008, 52.7721),
                                       ("Hinckley", -1.3730, 52.5410)],
        "Lincolnshire": [("Lincoln", -0.5406, 53.2307), ("Boston", -0.0266, 52.9790),
                         ("Grantham", -0.6435, 52.9120)],
        "Northamptonshire": [("Northampton", -0.8901, 52.2405), ("Kettering", -0.7250, 52.3990),
                             ("Corby", -0.6960, 52.4880)],
    },
    "West Midlands": {
        "Birmingham Central and South": [("Birmingham", -1.8904, 52.4862)],
        "Birmingham North and East": [("Erdington", -1.8380, 52.5230)],
        "Solihull": [("Solihull", -1.7781, 52.4118)],
        "Coventry": [("Coventry", -1.5197, 52.4068)],
        "Dudley and Sandwell": [("West Bromwich", -1.9945, 52.5187), ("Dudley", -2.0810, 52.5120)],
        "Walsall and Wolverhampton": [("Wolverhampton", -2.1288, 52.5870),
                                      ("Walsall", -1.9822, 52.5862)],
        "Staffordshire and Stoke-on-Trent": [("Stoke-on-Trent", -2.1794, 53.0027),
                                             ("Stafford", -2.1170, 52.8060),
                                             ("Burton upon Trent", -1.6360, 52.8020)],
        "Warwickshire": [("Nuneaton", -1.4680, 52.5230), ("Leamington Spa", -1.5360, 52.2920)],
        "Herefordshire and Worcestershire": [("Worcester", -2.2200, 52.1920),
                                             ("Hereford", -2.7160, 52.0565),
                                             ("Redditch", -1.9400, 52.3060)],
        "Shropshire and Telford": [("Telford", -2.4490, 52.6780),
                                   ("Shrewsbury", -2.7520, 52.7070)],
    },
    "East of England": {
        "Norfolk": [("Norwich", 1.2974, 52.6309), ("King's Lynn", 0.3951, 52.7517),
                    ("Great Yarmouth", 1.7200, 52.6080)],
        "Suffolk": [("Ipswich", 1.1555, 52.0567), ("Bury St Edmunds", 0.7110, 52.2460),
                    ("Lowestoft", 1.7400, 52.4810)],
        "Cambridgeshire and Peterborough": [("Peterborough", -0.2402, 52.5695),
                                            ("Cambridge", 0.1218, 52.2053)],
        "Essex North": [("Chelmsford", 0.4798, 51.7356), ("Colchester", 0.9020, 51.8892),
                        ("Harlow", 0.1100, 51.7730)],
        "Essex South": [("Basildon", 0.4559, 51.5761), ("Southend-on-Sea", 0.7110, 51.5459),
                        ("Grays", 0.3250, 51.4780)],
        "Hertfordshire": [("Stevenage", -0.2023, 51.9038), ("Watford", -0.3963, 51.6565)],
        "Bedfordshire": [("Luton", -0.4200, 51.8787), ("Bedford", -0.4667, 52.1360)],
    },
    "Wales": {
        "Cardiff and Vale": [("Cardiff", -3.1791, 51.4816), ("Barry", -3.2700, 51.4000)],
        "Swansea, Neath Port Talbot": [("Swansea", -3.9436, 51.6214), ("Neath", -3.8040, 51.6630)],
        "Cwm Taf Morgannwg": [("Merthyr Tydfil", -3.3779, 51.7487),
                              ("Pontypridd", -3.3420, 51.6020), ("Bridgend", -3.5770, 51.5040)],
        "Gwent": [("Newport", -2.9984, 51.5842), ("Pontypool", -3.0390, 51.7030)],
        "Dyfed-Powys": [("Carmarthen", -4.3071, 51.8566), ("Aberystwyth", -4.0829, 52.4153),
                        ("Haverfordwest", -4.9690, 51.8010),
                        ("Llandrindod Wells", -3.3790, 52.2420)],
        "North Wales East": [("Wrexham", -2.9931, 53.0462), ("Rhyl", -3.4920, 53.3190)],
        "North Wales West": [("Bangor", -4.1290, 53.2270), ("Caernarfon", -4.2750, 53.1400),
                             ("Colwyn Bay", -3.7270, 53.2940)],
    },
    "South West": {
        "Devon and Torbay": [("Exeter", -3.5339, 50.7184), ("Torquay", -3.5253, 50.4619),
                             ("Barnstaple", -4.0580, 51.0800)],
        "Plymouth": [("Plymouth", -4.1427, 50.3755)],
        "Cornwall and Isles of Scilly": [("Truro", -5.0510, 50.2632), ("Bodmin", -4.7180, 50.4710),
                                         ("Camborne", -5.2980, 50.2130)],
        "Dorset": [("Dorchester", -2.4360, 50.7150), ("Weymouth", -2.4540, 50.6140)],
        "Bournemouth, Christchurch and Poole": [("Bournemouth", -1.8795, 50.7192),
                                                ("Poole", -1.9870, 50.7150)],
        "Somerset": [("Taunton", -3.1030, 51.0150), ("Yeovil", -2.6310, 50.9420),
                     ("Bridgwater", -3.0030, 51.1280)],
        "Bristol and South Gloucestershire": [("Bristol", -2.5879, 51.4545),
                                              ("Yate", -2.4180, 51.5400)],
        "Bath and North Somerset": [("Bath", -2.3590, 51.3811),
                                    ("Weston-super-Mare", -2.9770, 51.3460)],
        "Gloucestershire": [("Gloucester", -2.2380, 51.8642), ("Cheltenham", -2.0783, 51.8994)],
        "Wiltshire and Swindon": [("Swindon", -1.7797, 51.5558), ("Salisbury", -1.7945, 51.0688),
                                  ("Trowbridge", -2.2080, 51.3190)],
    },
    "South Central": {
        "Hampshire North": [("Basingstoke", -1.0872, 51.2665), ("Winchester", -1.3080, 51.0632),
                            ("Aldershot", -0.7630, 51.2480)],
        "Southampton, Eastleigh and New Forest": [("Southampton", -1.4044, 50.9097),
                                                  ("Eastleigh", -1.3500, 50.9690)],
        "Portsmouth and Isle of Wight": [("Portsmouth", -1.0880, 50.8198),
                                         ("Havant", -0.9810, 50.8560),
                                         ("Newport (Isle of Wight)", -1.2980, 50.7010)],
        "Oxfordshire": [("Oxford", -1.2577, 51.7520), ("Banbury", -1.3390, 52.0630)],
        "Buckinghamshire and Milton Keynes": [("Milton Keynes", -0.7594, 52.0406),
                                              ("High Wycombe", -0.7480, 51.6290),
                                              ("Aylesbury", -0.8130, 51.8160)],
        "Berkshire": [("Reading", -0.9781, 51.4543), ("Slough", -0.5950, 51.5105),
                      ("Newbury", -1.3230, 51.4010)],
    },
    "Kent Surrey and Sussex": {
        "Kent West": [("Maidstone", 0.5220, 51.2720), ("Tonbridge", 0.2740, 51.1950),
                      ("Dartford", 0.2180, 51.4460)],
        "Kent East": [("Canterbury", 1.0790, 51.2802), ("Ashford", 0.8719, 51.1465),
                      ("Margate", 1.3860, 51.3810), ("Folkestone", 1.1700, 51.0810)],
        "Medway": [("Chatham", 0.5270, 51.3800)],
        "Surrey": [("Guildford", -0.5704, 51.2362), ("Woking", -0.5580, 51.3190),
                   ("Redhill", -0.1700, 51.2400)],
        "Brighton and East Sussex": [("Brighton", -0.1372, 50.8225),
                                     ("Eastbourne", 0.2840, 50.7680),
                                     ("Hastings", 0.5730, 50.8550)],
        "West Sussex": [("Crawley", -0.1872, 51.1091), ("Worthing", -0.3720, 50.8180),
                        ("Chichester", -0.7800, 50.8360)],
    },
    "London": {
        "Camden and Islington": [("Camden Town", -0.1426, 51.5390),
                                 ("Islington", -0.1030, 51.5380)],
        "Hackney and City": [("Hackney", -0.0550, 51.5450)],
        "Tower Hamlets": [("Whitechapel", -0.0600, 51.5190)],
        "Newham": [("Stratford", -0.0030, 51.5420)],
        "Lambeth": [("Brixton", -0.1146, 51.4613)],
        "Southwark": [("Peckham", -0.0690, 51.4740)],
        "Croydon": [("Croydon", -0.0982, 51.3762)],
        "Ealing and Hillingdon": [("Ealing", -0.3089, 51.5130), ("Uxbridge", -0.4780, 51.5460)],
        "Barnet and Enfield": [("Barnet", -0.2000, 51.6500), ("Enfield", -0.0820, 51.6520)],
        "Brent": [("Wembley", -0.2960, 51.5530)],
        "Westminster, Kensington and Chelsea, Hammersmith and Fulham": [
            ("Westminster", -0.1357, 51.4975), ("Hammersmith", -0.2230, 51.4927)],
        "Lewisham and Bromley": [("Lewisham", -0.0140, 51.4620), ("Bromley", 0.0140, 51.4060)],
        "Redbridge and Waltham Forest": [("Ilford", 0.0740, 51.5590),
                                         ("Walthamstow", -0.0200, 51.5840)],
        "Havering, Barking and Dagenham": [("Romford", 0.1830, 51.5750),
                                           ("Barking", 0.0810, 51.5360)],
        "Wandsworth, Merton, Kingston, Richmond and Sutton": [
            ("Wandsworth", -0.1910, 51.4570), ("Kingston upon Thames", -0.3000, 51.4120)],
        "Greenwich and Bexley": [("Woolwich", 0.0690, 51.4900), ("Bexleyheath", 0.1500, 51.4560)],
        "Hounslow": [("Hounslow", -0.3680, 51.4680)],
    },
}

# towns that only shape the region polygons (no PDU of their own in the sample): they keep
# the Welsh cells from reaching across the Bristol Channel, and fill out the border areas
BOUNDARY_TOWNS: dict[str, list[tuple[str, float, float]]] = {
    "South West": [("Minehead", -3.4740, 51.2040), ("Ilfracombe", -4.1200, 51.2060),
                   ("Burnham-on-Sea", -2.9970, 51.2380)],
    "North East": [("Berwick-upon-Tweed", -2.0050, 55.7700), ("Hexham", -2.1000, 54.9720)],
    "North West": [("Kendal", -2.7454, 54.3280), ("Penrith", -2.7520, 54.6640)],
    "Kent Surrey and Sussex": [("Sheerness", 0.7600, 51.4400)],
}

# A coarse coastline of England and Wales (lon, lat), clockwise from the Scottish border on
# the east coast, typed from general geographic knowledge; plus the Isle of Wight.
OUTLINE_LONLAT: tuple[tuple[float, float], ...] = (
    (-2.03, 55.81), (-1.99, 55.76), (-1.80, 55.66), (-1.64, 55.58), (-1.60, 55.40),
    (-1.49, 55.13), (-1.41, 55.02), (-1.34, 54.92), (-1.27, 54.78), (-1.16, 54.69),
    (-1.13, 54.63), (-1.03, 54.62), (-0.80, 54.56), (-0.61, 54.49), (-0.38, 54.27),
    (-0.18, 54.14), (-0.07, 54.12), (-0.18, 54.07), (-0.13, 53.90), (0.02, 53.73),
    (0.14, 53.58), (-0.20, 53.70), (-0.40, 53.715), (-0.62, 53.705), (-0.40, 53.685),
    (-0.20, 53.64), (-0.04, 53.59), (0.04, 53.55), (0.27, 53.34), (0.35, 53.14),
    (0.08, 52.93), (0.20, 52.80), (0.40, 52.80), (0.50, 52.96), (1.00, 52.96),
    (1.30, 52.93), (1.60, 52.76), (1.76, 52.60), (1.77, 52.48), (1.68, 52.33),
    (1.57, 52.08), (1.36, 51.95), (1.16, 51.78), (0.95, 51.74), (0.95, 51.65),
    (0.85, 51.535), (0.58, 51.51), (0.36, 51.46), (0.42, 51.46), (0.70, 51.47),
    (0.90, 51.43), (1.02, 51.37), (1.38, 51.395), (1.45, 51.37), (1.37, 51.27),
    (1.41, 51.22), (1.35, 51.14), (1.19, 51.075), (1.00, 51.02), (0.97, 50.91),
    (0.78, 50.93), (0.60, 50.845), (0.25, 50.73), (0.05, 50.78), (-0.14, 50.812),
    (-0.37, 50.806), (-0.68, 50.775), (-0.79, 50.72), (-0.93, 50.78), (-1.10, 50.78),
    (-1.35, 50.80), (-1.55, 50.72), (-1.75, 50.72), (-1.88, 50.709), (-1.95, 50.68),
    (-1.95, 50.59), (-2.30, 50.62), (-2.42, 50.57), (-2.45, 50.51), (-2.50, 50.58),
    (-2.70, 50.68), (-2.94, 50.72), (-3.24, 50.68), (-3.41, 50.61), (-3.50, 50.54),
    (-3.51, 50.46), (-3.64, 50.22), (-3.87, 50.24), (-4.14, 50.357), (-4.45, 50.35),
    (-4.80, 50.22), (-5.05, 50.15), (-5.20, 49.96), (-5.45, 50.12), (-5.72, 50.07),
    (-5.48, 50.21), (-5.29, 50.26), (-5.08, 50.42), (-4.75, 50.67), (-4.55, 50.83),
    (-4.53, 51.02), (-4.24, 51.04), (-4.12, 51.21), (-3.83, 51.23), (-3.47, 51.21),
    (-3.10, 51.22), (-3.00, 51.24), (-2.995, 51.34), (-2.87, 51.44), (-2.72, 51.50),
    (-2.60, 51.62), (-2.70, 51.60), (-2.96, 51.55), (-3.17, 51.46), (-3.27, 51.385),
    (-3.56, 51.40), (-3.70, 51.47), (-3.80, 51.57), (-3.93, 51.612), (-3.98, 51.56),
    (-4.32, 51.56), (-4.20, 51.66), (-4.40, 51.73), (-4.70, 51.67), (-4.93, 51.60),
    (-5.07, 51.62), (-5.17, 51.68), (-5.31, 51.90), (-5.07, 52.03), (-4.70, 52.11),
    (-4.36, 52.22), (-4.095, 52.415), (-4.05, 52.50), (-4.06, 52.72), (-4.11, 52.86),
    (-4.40, 52.88), (-4.50, 52.82), (-4.78, 52.79), (-4.55, 52.94), (-4.33, 53.12),
    (-4.42, 53.14), (-4.52, 53.22), (-4.69, 53.30), (-4.56, 53.40), (-4.34, 53.42),
    (-4.24, 53.35), (-4.05, 53.31), (-3.86, 53.34), (-3.72, 53.305), (-3.49, 53.325),
    (-3.32, 53.36), (-3.13, 53.25), (-3.03, 53.21), (-3.19, 53.37), (-3.05, 53.44),
    (-3.04, 53.48), (-3.09, 53.56), (-3.04, 53.65), (-2.95, 53.72), (-3.04, 53.76),
    (-3.065, 53.82), (-3.03, 53.93), (-2.90, 53.98), (-2.87, 54.07), (-2.83, 54.20),
    (-3.07, 54.17), (-3.20, 54.04), (-3.27, 54.12), (-3.25, 54.22), (-3.42, 54.34),
    (-3.64, 54.51), (-3.575, 54.64), (-3.51, 54.72), (-3.40, 54.87), (-3.20, 54.95),
    (-3.05, 54.98), (-2.80, 55.14), (-2.58, 55.28), (-2.48, 55.36), (-2.25, 55.40),
    (-2.15, 55.45), (-2.25, 55.60), (-2.10, 55.72),
)
ISLE_OF_WIGHT_LONLAT: tuple[tuple[float, float], ...] = (
    (-1.57, 50.67), (-1.30, 50.77), (-1.08, 50.69), (-1.17, 50.60), (-1.30, 50.58),
    (-1.50, 50.65),
)

# fictional providers by lot; the Welsh region has its own, with Welsh names
PROVIDERS: dict[Lot, tuple[str, ...]] = {
    Lot.ETE: ("Futures Employment Trust", "WorkReady CIC", "Second Chance Learning",
              "Bridge Training Group"),
    Lot.ACCOMMODATION: ("Safe Harbour Housing", "Keystone Homes Trust",
                        "Open Door Housing Association"),
    Lot.WELLBEING: ("Mindful Steps", "Recovery Together", "Thrive Community Health"),
    Lot.WOMENS: ("Women's Pathways", "Her Way Forward", "Anchor Women's Network"),
}
WELSH_PROVIDERS: dict[Lot, tuple[str, ...]] = {
    Lot.ETE: ("Llwybrau Gwaith Cymru", "Futures Employment Trust"),
    Lot.ACCOMMODATION: ("Cartrefi Diogel Cyf", "Safe Harbour Housing"),
    Lot.WELLBEING: ("Lles Cymunedol", "Mindful Steps"),
    Lot.WOMENS: ("Merched Ymlaen", "Women's Pathways"),
}

SITE_FIELDS = ("site_id", "name", "region", "pdu", "kind", "women_only", "desks",
               "interview_rooms", "annual_cost_per_desk", "fit_out_cost", "available_from",
               "available_until", "step_free", "lon", "lat", "town", "data_status")
NEED_FIELDS = ("need_id", "provider", "lot", "region", "pdu", "desks", "interview_rooms",
               "days_per_week", "caseload", "max_travel_km", "lon", "lat", "data_status")
DEMAND_FIELDS = ("pdu", "lon", "lat")


@dataclass
class _Place:
    region: str
    pdu: str
    town: str
    lon: float
    lat: float


@functools.cache
def _to_bng() -> Transformer:
    return Transformer.from_crs(WGS84_EPSG, BNG_EPSG, always_xy=True)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1]) / 1000.0


def _jitter(rng: random.Random, lon: float, lat: float, km: float) -> tuple[float, float]:
    """A point on land a random distance (at most ``km``) from (lon, lat), rounded to ~1 m.

    Points that would fall in the sea (outside the coarse outline, less 300 m) are drawn
    again, so that no office sits off the coast on the map.
    """
    land = _land()
    for _ in range(50):
        r = km * math.sqrt(rng.random())
        a = rng.random() * 2 * math.pi
        dlat = r * math.sin(a) / 111.2
        dlon = r * math.cos(a) / (111.2 * math.cos(math.radians(lat)))
        point = round(lon + dlon, 5), round(lat + dlat, 5)
        if land.contains(shapely.Point(_to_bng().transform(*point))):
            return point
    return lon, lat


@functools.cache
def _land() -> shapely.Geometry:
    land = outline_polygon().buffer(-300)
    shapely.prepare(land)
    return land


def _providers(region: str, lot: Lot) -> tuple[str, ...]:
    return (WELSH_PROVIDERS if region == "Wales" else PROVIDERS)[lot]


def _make_needs(rng: random.Random) -> list[dict]:
    """Every PDU has ETE, accommodation and wellbeing needs; most also a women's need."""
    needs: list[dict] = []
    for region, pdus in PLACES.items():
        for p_index, (pdu, towns) in enumerate(pdus.items()):
            big = len(towns) >= 2 or region == "London"
            lots = [Lot.ETE, Lot.ACCOMMODATION, Lot.WELLBEING]
            if big:
                lots.append(rng.choice([Lot.ETE, Lot.ACCOMMODATION, Lot.WELLBEING]))
            if p_index % 3 != 2 or region == "London":
                lots.append(Lot.WOMENS)
            if rng.random() < 0.3:
                lots.append(rng.choice(list(Lot)))
            for lot in lots:
                town = towns[rng.randrange(len(towns))]
                days = rng.choice((1, 2, 2, 3, 3, 4, 5, 5))
                desks = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8))
                if lot is Lot.WOMENS:
                    desks = min(desks, 4)
                rooms = rng.choice((0, 1, 1, 1, 2, 2, 3))
                caseload = rng.randrange(50, 601, 5)
                lon, lat = _jitter(rng, town[1], town[2], 4.0)
                own_point = rng.random() >= 0.05  # a few rows leave the point to demand.csv
                needs.append({
                    "need_id": "", "provider": rng.choice(_providers(region, lot)),
                    "lot": lot.value, "region": region, "pdu": pdu, "desks": desks,
                    "interview_rooms": rooms, "days_per_week": days, "caseload": caseload,
                    "max_travel_km": None, "lon": lon if own_point else None,
                    "lat": lat if own_point else None, "data_status": ILLUSTRATIVE,
                })
    for i, n in enumerate(needs, start=1):
        n["need_id"] = f"N{i:04d}"
    return needs


def _desk_days(needs: Sequence[dict]) -> tuple[int, int]:
    return (sum(n["desks"] * n["days_per_week"] for n in needs),
            sum(n["interview_rooms"] * n["days_per_week"] for n in needs))


def _capacity(desk_days: int, room_days: int, share: float, margin: float,
              largest: tuple[int, int]) -> tuple[int, int]:
    """Desks and rooms for a site taking ``share`` of a demand, with a margin over it."""
    desks = max(math.ceil(desk_days * margin * share / 5), largest[0], 4)
    rooms = max(math.ceil(room_days * margin * share / 5), largest[1], 1)
    return desks, rooms


def _make_sites(rng: random.Random, needs: Sequence[dict]) -> list[dict]:
    sites: list[dict] = []
    london = {"London"}

    def add(region, pdu, town, kind, name, desks, rooms, *, women_only=False, spread=1.5):
        lon, lat = _jitter(rng, town[1], town[2], spread)
        dear = 1.6 if region in london else 1.0
        if kind == "authority":
            cost = rng.randrange(2400, 4001, 50) * dear
            fit_out = 0 if rng.random() < 0.85 else rng.randrange(2, 11) * 1000
        elif kind == "provider":
            cost = rng.randrange(1800, 3201, 50) * dear
            fit_out = 0 if rng.random() < 0.5 else rng.randrange(3, 16) * 1000
        else:
            cost = rng.randrange(2600, 5601, 50) * dear
            fit_out = rng.randrange(15, 81) * 1000
        available = ""
        roll = rng.random()
        if kind == "market" and roll < 0.25:
            available = date(2027, rng.randrange(5, 13), 1).isoformat()  # after go-live
        elif roll < 0.15:
            available = date(2027, rng.randrange(1, 4), rng.randrange(1, 29)).isoformat()
        step = rng.random()
        sites.append({
            "site_id": "", "name": name, "region": region, "pdu": pdu, "kind": kind,
            "women_only": "yes" if women_only else "no", "desks": desks,
            "interview_rooms": rooms, "annual_cost_per_desk": round(cost),
            "fit_out_cost": fit_out, "available_from": available,
            "step_free": "" if step < 0.1 else ("no" if step < 0.25 else "yes"),
            "lon": lon, "lat": lat, "town": town[0], "data_status": ILLUSTRATIVE,
        })

    for region, pdus in PLACES.items():
        region_needs = [n for n in needs if n["region"] == region]
        womens = [n for n in region_needs if n["lot"] == Lot.WOMENS.value]
        for pdu, towns in pdus.items():
            mine = [n for n in region_needs if n["pdu"] == pdu]
            ea = [n for n in mine if n["lot"] in (Lot.ETE.value, Lot.ACCOMMODATION.value)]
            wb = [n for n in mine if n["lot"] == Lot.WELLBEING.value]
            offices = towns[:2] if len(towns) >= 3 else towns[:1]
            dd, rd = _desk_days(ea)
            largest = (max((n["desks"] for n in ea), default=0),
                       max((n["interview_rooms"] for n in ea), default=0))
            for town in offices:
                desks, rooms = _capacity(dd, rd, 1 / len(offices), 1.5, largest)
                desks += rng.randrange(2, 9)  # probation's own staff leave some room over
                add(region, pdu, town, "authority", f"{town[0]} Probation Office", desks,
                    rooms + rng.randrange(0, 3), spread=0.8)
            dd, rd = _desk_days(wb)
            largest = (max((n["desks"] for n in wb), default=0),
                       max((n["interview_rooms"] for n in wb), default=0))
            town = towns[-1] if len(towns) > 1 else towns[0]
            desks, rooms = _capacity(dd, rd, 1.0, 1.5, largest)
            provider = rng.choice(_providers(region, Lot.WELLBEING) + _providers(region, Lot.ETE))
            add(region, pdu, town, "provider", f"{provider}, {town[0]}", desks, rooms)
            # a market property in half the PDUs: capacity to spare, at a price
            if rng.random() < 0.5 or len(towns) >= 3:
                town = towns[-1]
                desks, rooms = _capacity(dd + 10, rd + 5, 0.8, 1.0, largest)
                add(region, pdu, town, "market", f"{rng.choice(MARKET_NAMES)}, {town[0]}",
                    desks, rooms, spread=2.5)
        # women-only centres: one in every third PDU (at least one per region), sized so that
        # the region's women's needs fit half as much again
        pdu_names = list(pdus)
        centres = pdu_names[::3]
        dd, rd = _desk_days(womens)
        largest = (max((n["desks"] for n in womens), default=0),
                   max((n["interview_rooms"] for n in womens), default=0))
        for pdu in centres:
            town = pdus[pdu][0]
            desks, rooms = _capacity(dd, rd, 1 / len(centres), 1.5, largest)
            kind = "provider" if rng.random() < 0.75 else "market"
            name = f"{town[0]} Women's Centre" if region != "Wales" else \
                f"Canolfan Merched {_welsh_town(town[0])} ({town[0]} Women's Centre)"
            add(region, pdu, town, kind, name, desks, rooms, women_only=True)
    counters: dict[str, int] = {}
    for s in sites:
        code = REGION_CODES[s["region"]]
        counters[code] = counters.get(code, 0) + 1
        s["site_id"] = f"{code}-{counters[code]:03d}"
        if s["kind"] == "market" and s["women_only"] == "yes":
            s["fit_out_cost"] = min(s["fit_out_cost"], 20_000)
        if s["women_only"] == "yes":
            s["available_from"] = ""  # a women's centre is needed from day one
    return sites


MARKET_NAMES = ("Unit 4, Enterprise Park", "Suite 2, Station House", "First floor, Victoria "
                "Chambers", "Unit 12, Riverside Business Centre", "Ground floor, Market Street",
                "Suite 5, The Exchange", "Unit 7, Mill Lane", "Second floor, Kings House")

_WELSH_TOWNS = {"Cardiff": "Caerdydd", "Swansea": "Abertawe", "Merthyr Tydfil": "Merthyr Tudful",
                "Newport": "Casnewydd", "Carmarthen": "Caerfyrddin", "Wrexham": "Wrecsam",
                "Bangor": "Bangor", "Aberystwyth": "Aberystwyth"}


def _welsh_town(name: str) -> str:
    return _WELSH_TOWNS.get(name, name)


def _set_travel_limits(rng: random.Random, needs: list[dict], sites: Sequence[dict],
                       demand: dict[str, tuple[float, float]]) -> None:
    """Give about a fifth of the needs a maximum travel distance that still leaves choice.

    The limit covers every site of the need's own PDU that its lot may use (so closing one
    office leaves others in reach), plus a margin.
    """
    tr = _to_bng()
    xy = {s["site_id"]: tr.transform(s["lon"], s["lat"]) for s in sites}
    for n in needs:
        if rng.random() >= 0.2:
            continue
        if n["lon"] is None:
            point = demand[n["pdu"]]
        else:
            point = tr.transform(n["lon"], n["lat"])
        usable = [s for s in sites if s["pdu"] == n["pdu"] and _lot_may_use(n["lot"], s)]
        if not usable:
            continue
        farthest = max(_km(point, xy[s["site_id"]]) for s in usable)
        n["max_travel_km"] = float(5 * math.ceil((farthest + 5) / 5))


def _widen_limits_for_roads(needs: list[dict], sites: Sequence[dict], dataset,
                            network) -> int:
    """Raise travel limits to cover the need's PDU sites by road as well; returns how many.

    The limits from :func:`_set_travel_limits` are straight-line; the sample network's
    detours (estuaries, bays) can put every usable site beyond one. The same rule is applied
    to road kilometres, and the larger limit is kept, so the sample solves either way.
    """
    from estates_planner.travel import NetworkTravelModel

    limited = [n for n in needs if n["max_travel_km"] is not None]
    if not limited:
        return 0
    model = NetworkTravelModel(network, cutoff_km=None)
    km = model.distance_km([dataset.need(n["need_id"]) for n in limited], dataset.sites)
    column = {s.site_id: j for j, s in enumerate(dataset.sites)}
    changed = 0
    for i, n in enumerate(limited):
        usable = [s for s in sites if s["pdu"] == n["pdu"] and _lot_may_use(n["lot"], s)]
        farthest = max(float(km[i, column[s["site_id"]]]) for s in usable)
        limit = float(5 * math.ceil((farthest + 5) / 5))
        if limit > n["max_travel_km"]:
            n["max_travel_km"] = limit
            changed += 1
    return changed


def _lot_may_use(lot: str, site: dict) -> bool:
    if lot == Lot.WOMENS.value:
        return site["women_only"] == "yes"
    if site["women_only"] == "yes":
        return False
    if lot == Lot.WELLBEING.value:
        return site["kind"] != "authority"
    return True


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.5f}".rstrip("0").rstrip(".") if not value.is_integer() else \
            f"{value:.1f}"
    return str(value)


def _write_csv(path: Path, fields: Sequence[str], rows: Sequence[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow([_fmt(row[f]) for f in fields])


# ----------------------------------------------------------------------------- boundaries


def outline_polygon() -> shapely.MultiPolygon:
    """England and Wales (coarse, illustrative) in British National Grid."""
    tr = _to_bng()
    parts = []
    for ring in (OUTLINE_LONLAT, ISLE_OF_WIGHT_LONLAT):
        xs, ys = tr.transform([p[0] for p in ring], [p[1] for p in ring])
        parts.append(shapely.Polygon(zip(xs, ys, strict=True)))
    outline = shapely.MultiPolygon(parts)
    return shapely.set_precision(outline, 1.0)


def region_polygons(outline: shapely.MultiPolygon) -> dict[str, shapely.Geometry]:
    """Voronoi cells of the PDU towns, merged by region and cut to the outline."""
    tr = _to_bng()
    points, regions = [], []
    for region, pdus in PLACES.items():
        for towns in [*pdus.values(), BOUNDARY_TOWNS.get(region, [])]:
            for _, lon, lat in towns:
                points.append(shapely.Point(tr.transform(lon, lat)))
                regions.append(region)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=outline.envelope,
                                     ordered=True)
    merged: dict[str, list] = {r: [] for r in PLACES}
    for cell, region in zip(cells.geoms, regions, strict=True):
        merged[region].append(cell)
    out = {}
    for region, cells_of_region in merged.items():
        shape = shapely.intersection(shapely.union_all(cells_of_region), outline)
        out[region] = shapely.set_precision(shape, 1.0)
    return out


def boundary_layers() -> dict[str, gpd.GeoDataFrame]:
    outline = outline_polygon()
    regions = region_polygons(outline)
    note = "Illustrative boundary, not official"
    return {
        "outline": gpd.GeoDataFrame({"name": ["England and Wales"], "note": [note]},
                                    geometry=[outline], crs=BNG_EPSG),
        "regions": gpd.GeoDataFrame(
            {"name": list(regions), "code": [REGION_CODES[r] for r in regions],
             "note": [note] * len(regions)},
            geometry=[shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g
                      for g in regions.values()], crs=BNG_EPSG),
    }


def _fix_stamps(path: Path) -> None:
    """GDAL stamps each layer with the time of writing; a fixed stamp keeps the bytes equal."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute("UPDATE gpkg_contents SET last_change = ?",
                        (STAMP.strftime("%Y-%m-%dT%H:%M:%S.000Z"),))
        con.execute("VACUUM")
    finally:
        con.close()


# ----------------------------------------------------------------------------- main


def _contract_dates(sites: list[dict]) -> None:
    """The contract years' lease ends and later openings (see :data:`LEASE_END`), in place:
    the first provider-owned, not women-only, office of each region in
    :data:`LEASE_END_REGIONS` is available until :data:`LEASE_END` (the last day of contract
    year 2 from go-live), and the offices that open in December 2027 open in December 2028
    (from contract year 3). No random draw: the rest of the sample is as before."""
    for region in LEASE_END_REGIONS:
        first = next((s for s in sites if s["region"] == region and s["kind"] == "provider"
                      and s["women_only"] == "no"), None)
        if first is not None:
            first["available_until"] = LEASE_END.isoformat()
    for s in sites:
        s.setdefault("available_until", "")
        if s["available_from"].startswith("2027-12-"):
            s["available_from"] = "2028" + s["available_from"][4:]


def generate_sample(out_dir: str | Path) -> dict[str, Path]:
    """Write the illustrative sample into ``out_dir``; returns the files by name.

    ``sites.csv``, ``needs.csv``, ``demand.csv``, ``boundaries.gpkg`` (layers ``outline``
    and ``regions``), ``sample_network.gpkg`` (an illustrative road network, layer ``roads``)
    and ``sample_project.gpkg`` (built by loading the CSV files through
    :func:`estates_planner.io.load_dataset` and the network through
    :func:`estates_planner.travel.read_network`, as a user's import would, so that travel
    along roads, catchments and the service-user view work out of the box). Same bytes
    every run.
    """
    from estates_planner.io import load_dataset
    from estates_planner.model import Scenario, Settings
    from estates_planner.project import new_project, save_project
    from estates_planner.travel import read_network
    from estates_planner.travel.sample_network import write_sample_network

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    needs = _make_needs(rng)
    sites = _make_sites(rng, needs)
    _contract_dates(sites)
    tr = _to_bng()
    demand_rows = []
    demand_xy = {}
    for pdus in PLACES.values():
        for pdu, towns in pdus.items():
            _, lon, lat = towns[0]
            demand_rows.append({"pdu": pdu, "lon": lon, "lat": lat})
            demand_xy[pdu] = tr.transform(lon, lat)
    _set_travel_limits(rng, needs, sites, demand_xy)

    paths = {name: out / name for name in ("sites.csv", "needs.csv", "demand.csv",
                                           "boundaries.gpkg", "sample_network.gpkg",
                                           "sample_project.gpkg")}
    _write_csv(paths["sites.csv"], SITE_FIELDS, sites)
    _write_csv(paths["needs.csv"], NEED_FIELDS, needs)
    _write_csv(paths["demand.csv"], DEMAND_FIELDS, demand_rows)

    layers = boundary_layers()
    boundaries = paths["boundaries.gpkg"]
    boundaries.unlink(missing_ok=True)
    for name, gdf in layers.items():
        pyogrio.write_dataframe(gdf, boundaries, layer=name, driver="GPKG")
    _fix_stamps(boundaries)
    # the network is derived from the files just written (towns, sites, outline)
    write_sample_network(out, paths["sample_network.gpkg"])
    _fix_stamps(paths["sample_network.gpkg"])

    # the network depends only on where things are, not on the travel limits: widen the
    # limits that the roads' detours would break, so the sample solves along the roads too
    network = read_network(paths["sample_network.gpkg"])
    dataset, _ = load_dataset(paths["sites.csv"], paths["needs.csv"], paths["demand.csv"])
    if _widen_limits_for_roads(needs, sites, dataset, network):
        _write_csv(paths["needs.csv"], NEED_FIELDS, needs)
    dataset, report = load_dataset(paths["sites.csv"], paths["needs.csv"], paths["demand.csv"])
    if not report.ok:
        raise RuntimeError("the generated sample does not load cleanly:\n" + report.format())
    project = new_project(
        dataset, layers={"regions": layers["regions"], "outline": layers["outline"]},
        title=TITLE, settings=Settings(go_live=GO_LIVE),
        metadata={"created": STAMP.date().isoformat(),
                  "sources": "Generated by estates_planner.sample_data (seed "
                             f"{SEED}); towns at approximate real coordinates",
                  "note": "Illustrative: the sites, needs, capacities, costs, boundaries and "
                          "the road network are made up for demonstration and are not "
                          "official data.",
                  "network": "Illustrative network for the sample data: not real roads "
                             "(sample_network.gpkg)"},
        network=network.to_frame())
    office = next(s for s in dataset.sites if s.name == CLOSED_OFFICE_NAME)
    baseline = project.scenario("Baseline")
    project.add_scenario(Scenario(
        CLOSED_OFFICE_SCENARIO, dataset, baseline.settings,
        closed_sites=frozenset({office.site_id}),
        description=f"What if {office.name} ({office.site_id}) closes?"))
    project_path = paths["sample_project.gpkg"]
    project_path.unlink(missing_ok=True)
    save_project(project, project_path, timestamp=STAMP)
    project_path.with_name(project_path.name + ".bak").unlink(missing_ok=True)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else Path("data")
    paths = generate_sample(out)
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
