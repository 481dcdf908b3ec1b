#!/usr/bin/env python3
"""Generate cn-legal-calendar.json from the PyPI package `chinesecalendar`.

How the committed file was made (not run by tests or the build):

    python3 -m venv /tmp/cal-venv
    /tmp/cal-venv/bin/pip install chinesecalendar==1.11.0
    /tmp/cal-venv/bin/python data/calendar/generate_from_chinesecalendar.py \
        > data/calendar/cn-legal-calendar.json

The package exposes two tables: `holidays` (rest days of each break, most of
its weekend days included) and `workdays` (make-up working days, 调休上班),
each mapping a date to an English festival name. We regroup them per calendar
year and per festival, use the Chinese names of the State Council notices,
add the weekend days the package leaves out of a break (see fill_weekends),
apply CORRECTIONS, and check the invariants the Rust loader relies on (every make-up day is a
Saturday or Sunday, no date is both rest and work, every year is present).

The file was then cross-checked day by day against the npm package
`chinese-days` (tests/calendar-crosscheck/); any corrections made after that
check are applied in CORRECTIONS below so that re-running this script
reproduces the committed file.
"""

import datetime as dt
import json
import sys

import chinese_calendar

FIRST_YEAR, LAST_YEAR = 2004, 2026

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

# Manual corrections after the cross-check: (date, "rest"|"work"|None, name).
# None removes the date from both lists.
CORRECTIONS = [
    # 国办发明电〔2005〕35号 (2006 schedule): New Year break 2006-01-01..03,
    # "12月31日（星期六）上班". Both chinesecalendar and chinese-days miss it.
    (dt.date(2005, 12, 31), "work", "元旦"),
]

NOTE = (
    "State Council (国务院办公厅) holiday schedules, one object per year; each "
    "festival lists its rest days (放假, weekends inside the break included) "
    "and its make-up working days (调休上班)."
)


def collect():
    """Return {date: (kind, chinese_name)} for every special day in range."""
    days = {}
    for kind, table in (("rest", chinese_calendar.holidays), ("work", chinese_calendar.workdays)):
        for date, english in table.items():
            if FIRST_YEAR <= date.year <= LAST_YEAR:
                if date in days:
                    sys.exit(f"{date} is both {days[date][0]} and {kind}")
                days[date] = (kind, NAMES[english])
    for date, kind, name in CORRECTIONS:
        if kind is None:
            days.pop(date, None)
        else:
            days[date] = (kind, name)
    fill_weekends(days)
    return days


def fill_weekends(days):
    """Add the Saturdays/Sundays that belong to a break but that the package
    leaves out (e.g. 2011-06-05 inside 端午 06-04..06; 2015-09-05 of the
    抗战胜利纪念日 break 09-03..05; 2017-12-30/31 of "1月1日放假，与周末连休"):
    an unlisted weekend day next to a rest day joins that rest day's break."""
    changed = True
    while changed:
        changed = False
        for date, (kind, name) in sorted(days.items()):
            if kind != "rest":
                continue
            for step in (-1, 1):
                other = date + dt.timedelta(days=step)
                if other.weekday() >= 5 and other not in days and FIRST_YEAR <= other.year <= LAST_YEAR:
                    days[other] = ("rest", name)
                    changed = True


def build(days):
    years = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        festivals = {}  # name -> {"rest": [...], "work": [...]}, insertion = first date
        for date in sorted(d for d in days if d.year == year):
            kind, name = days[date]
            if kind == "work" and date.weekday() < 5:
                sys.exit(f"make-up working day {date} is not a Saturday or Sunday")
            entry = festivals.setdefault(name, {"name": name, "rest": [], "work": []})
            entry[kind].append(date.isoformat())
        if not festivals:
            sys.exit(f"no data for {year}")
        years.append({"year": year, "festivals": list(festivals.values())})
    return {"format": "hotline-calendar/1", "note": NOTE, "years": years}


def dumps(doc):
    """JSON with one line per festival, as in the format example."""
    def j(v):
        return json.dumps(v, ensure_ascii=False)

    lines = ["{", f'  "format": {j(doc["format"])},', f'  "note": {j(doc["note"])},', '  "years": [']
    for yi, y in enumerate(doc["years"]):
        lines.append(f'    {{"year": {y["year"]}, "festivals": [')
        fs = y["festivals"]
        for fi, f in enumerate(fs):
            lines.append("      " + j(f) + ("," if fi < len(fs) - 1 else ""))
        lines.append("    ]}" + ("," if yi < len(doc["years"]) - 1 else ""))
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def main():
    doc = build(collect())
    out = dumps(doc)
    assert json.loads(out) == doc
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
