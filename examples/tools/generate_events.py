#!/usr/bin/env python3
"""Generate the sample event files of the bundled examples.

    python3 examples/tools/generate_events.py [OUTPUT_DIR]     # default: examples/

Writes, next to the SLAs:
    smarketing.jsonl         events for smarketing.sla         (JSONL, Europe/Stockholm)
    smarketing-dirty.jsonl   a few valid and a few broken records, to demonstrate rejects
    partner_referrals.csv    events for partner_referrals.sla  (CSV, Europe/London)
    inbound_saas.jsonl       events for inbound_saas.sla       (JSONL, America/Los_Angeles)

Deterministic: a fixed seed per file and no dependence on the clock, the locale or hash
ordering, so running it again reproduces the committed files byte for byte. Standard
library only (the time zone rules come from the system's tz database through zoneinfo).

Each file mixes randomly generated leads (realistic volumes and delays) with a few
scripted leads placed just before the file's last event, so that an evaluation at the
default as-of time (the latest event) shows every deadline verdict: met, late, overdue,
pending, at_risk and paused.
"""

import csv
import datetime as dt
import io
import json
import pathlib
import random
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
STOCKHOLM = ZoneInfo("Europe/Stockholm")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


# --------------------------------------------------------------------------- time helpers

def local(tz, y, mo, d, h=0, mi=0, s=0):
    """An aware datetime for a local wall-clock time (first occurrence when ambiguous)."""
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=tz)


class Calendar:
    """Working time, as in the SLAs: weekday -> [(start, end)] local clock ranges."""

    def __init__(self, tz, week, holidays=()):
        self.tz = tz
        self.week = week  # {0: [((8, 0), (12, 0)), ...]} Monday = 0
        self.holidays = {dt.date.fromisoformat(h) for h in holidays}

    def ranges_on(self, day):
        if day in self.holidays:
            return []
        out = []
        for (h1, m1), (h2, m2) in self.week.get(day.weekday(), []):
            a = dt.datetime(day.year, day.month, day.day, h1, m1, tzinfo=self.tz)
            end_day = day + dt.timedelta(days=1) if (h2, m2) == (24, 0) else day
            h2, m2 = (0, 0) if (h2, m2) == (24, 0) else (h2, m2)
            b = dt.datetime(end_day.year, end_day.month, end_day.day, h2, m2, tzinfo=self.tz)
            out.append((a.astimezone(UTC), b.astimezone(UTC)))
        return out

    def add(self, start, minutes):
        """The instant at which `minutes` of working time have passed since `start`."""
        start = start.astimezone(UTC)
        left = dt.timedelta(minutes=minutes)
        day = start.astimezone(self.tz).date()
        while True:
            for a, b in self.ranges_on(day):
                a = max(a, start)
                if b <= a:
                    continue
                if b - a >= left:
                    return a + left
                left -= b - a
            day += dt.timedelta(days=1)


def one_range_week(days, *ranges):
    return {d: [(tuple(map(int, a.split(":"))), tuple(map(int, b.split(":")))) for a, b in
                (r.split("-") for r in ranges)] for d in days}


class Log:
    """Collects events; writes them sorted by time, as a CRM export would."""

    def __init__(self, tz, rng):
        self.tz, self.rng, self.events = tz, rng, []

    def add(self, lead, type_, when, **attrs):
        self.events.append((when.astimezone(UTC), len(self.events), lead, type_, attrs))

    def until(self, end):
        end = end.astimezone(UTC)
        return sorted((e for e in self.events if e[0] <= end), key=lambda e: (e[0], e[1]))

    def stamp(self, when):
        """A timestamp in one of the forms of SPEC section 5, mostly `...Z`."""
        when = when.astimezone(UTC)
        r = self.rng.random()
        if r < 0.78:
            return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        loc = when.astimezone(self.tz)
        if r < 0.88:  # local time with its offset, e.g. +01:00
            return loc.isoformat(timespec="seconds")
        if r < 0.94:  # Salesforce style
            return when.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        # Offset-less: local to the SLA's time zone. Only when that reads back unambiguously.
        naive = loc.replace(tzinfo=None)
        back = naive.replace(tzinfo=self.tz, fold=0).astimezone(UTC)
        if back != when or naive.replace(tzinfo=self.tz, fold=1).astimezone(UTC) != when:
            return when.strftime("%Y-%m-%dT%H:%M:%SZ")
        short = r >= 0.97 and naive.second == 0   # seconds are optional
        return naive.strftime("%Y-%m-%dT%H:%M" if short else "%Y-%m-%d %H:%M:%S")


def work_time(rng, lo, hi):
    return rng.randint(lo, hi)


FIRST = ["Anna", "Erik", "Maja", "Lars", "Ingrid", "Mikael", "Sofia", "Johan", "Elin", "Nils",
         "Freja", "Oskar", "Sara", "Henrik", "Liv", "Mats", "Emma", "Pekka", "Aino", "Jens",
         "Kari", "Mette", "Ola", "Hanna", "Tove", "Ville", "Ida", "Rasmus", "Sigrid", "Anders"]
LAST = ["Berg", "Lind", "Holm", "Nyström", "Dahl", "Virtanen", "Jensen", "Hansen", "Korhonen",
        "Sandberg", "Lund", "Eklund", "Nielsen", "Larsen", "Mäkinen", "Strand", "Aalto", "Moe"]


def person(rng):
    return rng.choice(FIRST), rng.choice(LAST)


def slug(s):
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "ø": "o", "æ": "ae", "é": "e", " ": "."})
    return s.lower().translate(table)


# --------------------------------------------------------------------------- smarketing

SM_COMPANIES = [
    ("Nordbygg AB", "nordbygg.se", "SE", 420), ("Fjordline Logistics", "fjordline.no", "NO", 1300),
    ("Skærbæk Foods", "skaerbaek.dk", "DK", 260), ("Kuusi Software Oy", "kuusi.fi", "FI", 85),
    ("Vattenfors Energi", "vattenfors.se", "SE", 2100), ("Bergvik Retail", "bergvik.no", "NO", 140),
    ("Aalborg Maritime", "aalborgmaritime.dk", "DK", 600), ("Tampere Robotics", "tamrob.fi", "FI", 230),
    ("Göta Finans", "gotafinans.se", "SE", 35), ("Lysaker Media", "lysakermedia.no", "NO", 60),
    ("Mälardalens Plast", "malarplast.se", "SE", 310), ("Helsinki Health Tech", "hhtech.fi", "FI", 150),
    ("Odense Cykler", "odensecykler.dk", "DK", 18), ("Kiruna Mining Services", "kms.se", "SE", 800),
    ("Bremen Logistik GmbH", "bremen-logistik.de", "DE", 500), ("Thames Analytics Ltd", "thames-analytics.co.uk", "GB", 220),
]
SM_TITLES = ["VP Sales", "VP", "Director", "Head", "Marketing Manager", "CFO", "Analyst",
             "Head", "Director", "IT Manager", "Consultant", "VP"]
SM_OWNERS = ["ann.lind", "erik.holm", "sofia.berg"]
SM_PAGES = ["/", "/blog/lead-scoring-101", "/blog/nordic-b2b-benchmark", "/customers",
            "/product/automation", "/webinars/q1-pipeline"]
SM_PRICING = ["/pricing", "/pricing/enterprise", "/pricing/teams"]


def sm_fit(a):
    fit = 0
    if a.get("title") in ("VP", "Director", "Head"):
        fit += 20
    emp = a.get("employees")
    if isinstance(emp, (int, float)) and emp >= 200:
        fit += 10
    if str(a.get("email", "")).endswith("@gmail.com"):
        fit -= 30
    return fit


def sm_mql_time(events, attrs):
    """Replays the smarketing scores over a lead's planned events: the MQL instant or None."""
    opens = forms = pricing = unsub = 0
    seen = {}
    for when, type_, ev in sorted(events, key=lambda e: e[0]):
        seen.update({k: v for k, v in ev.items() if v is not None})
        if type_ == "page_view" and str(ev.get("page", "")).startswith("/pricing"):
            pricing += 1
        elif type_ == "email_open":
            opens += 1
        elif type_ == "form_submit":
            forms += 1
        elif type_ == "unsubscribe":
            unsub += 1
        engagement = min(100, 10 * pricing + min(20, 2 * opens) + 25 * forms - 50 * unsub)
        if sm_fit(seen) + engagement >= 60 and seen.get("country") in ("SE", "NO", "DK", "FI"):
            return when
    return None


def smarketing(rng):
    tz = STOCKHOLM
    office = Calendar(tz, one_range_week(range(5), "08:00-12:00", "13:00-17:00"),
                      ["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31"])
    log = Log(tz, rng)
    end = local(tz, 2026, 4, 14, 15, 30)        # the last event: the default as-of time
    n = [1000]

    def new_id():
        n[0] += 1
        return f"L-{n[0]}"

    # Late-January website visitors: January is the first reported month, with no MQLs.
    for day, page in ((27, "/blog/nordic-b2b-benchmark"), (29, "/"), (30, "/customers")):
        lid = new_id()
        first, last = person(rng)
        log.add(lid, "page_view", local(tz, 2026, 1, day, 10 + day % 5, 12), page=page,
                country=rng.choice(["SE", "DE", "NO"]), email=f"{slug(first)}@gmail.com")

    def plan_lead(start, kind):
        """Pre-MQL activity of one lead: (events, lead attributes)."""
        company, domain, country, employees = rng.choice(SM_COMPANIES)
        first, last = person(rng)
        title = rng.choice(SM_TITLES)
        email = f"{slug(first)}.{slug(last)}@{domain}"
        if kind == "gmail":
            email = f"{slug(first)}{rng.randint(1, 99)}@gmail.com"
        segment = "enterprise" if employees >= 500 else ("mid-market" if employees >= 100 else "smb")
        attrs = dict(country=country, title=title, employees=employees, email=email,
                     company=company, segment=segment)
        if rng.random() < 0.88:
            attrs["owner"] = SM_OWNERS[hash_pick(company, len(SM_OWNERS))]
        evs = []
        t = start
        if kind == "hot":
            evs.append((t, "form_submit", dict(attrs, form="contact_sales")))
            t += dt.timedelta(minutes=rng.randint(3, 70))
            evs.append((t, "page_view", {"page": rng.choice(SM_PRICING)}))
            if sm_fit(attrs) < 25:
                t += dt.timedelta(hours=rng.randint(1, 30))
                evs.append((t, "form_submit", {"form": "demo_request"}))
        else:  # warm, cold, gmail: nurture activity over days
            evs.append((t, "page_view", dict(attrs, page=rng.choice(SM_PAGES))))
            for _ in range(rng.randint(1, 6)):
                t += dt.timedelta(hours=rng.randint(2, 60))
                evs.append((t, "email_open", {"campaign": rng.choice(["feb-newsletter", "webinar-invite", "case-study"])}))
            if kind == "warm":
                t += dt.timedelta(hours=rng.randint(2, 48))
                evs.append((t, "form_submit", {"form": "whitepaper"}))
                t += dt.timedelta(minutes=rng.randint(5, 600))
                evs.append((t, "page_view", {"page": rng.choice(SM_PRICING)}))
                if rng.random() < 0.5:
                    t += dt.timedelta(hours=rng.randint(1, 72))
                    evs.append((t, "form_submit", {"form": "contact_sales"}))
            elif rng.random() < 0.3:
                t += dt.timedelta(hours=rng.randint(2, 96))
                evs.append((t, "unsubscribe", {}))
        return evs, attrs

    def business_start(day):
        """A plausible first-contact time on a day: mostly office hours."""
        if rng.random() < 0.8:
            return local(tz, day.year, day.month, day.day, rng.randint(8, 16), rng.choice([0, 5, 12, 20, 31, 40, 47, 55]))
        return local(tz, day.year, day.month, day.day, rng.choice([6, 7, 18, 20, 21, 22]), rng.randint(0, 59))

    day = dt.date(2026, 2, 2)
    while day <= dt.date(2026, 4, 10):
        per_day = rng.choice([0, 1, 1, 1, 2]) if day.weekday() < 5 else rng.choice([0, 0, 1])
        for _ in range(per_day):
            kind = rng.choices(["hot", "warm", "cold", "gmail"], [45, 30, 18, 7])[0]
            lid = new_id()
            evs, attrs = plan_lead(business_start(day), kind)
            for when, type_, ev in evs:
                log.add(lid, type_, when, **ev)
            mql = sm_mql_time(evs, attrs)
            if mql is None:
                continue
            sm_after_mql(rng, log, office, lid, attrs, mql)
        day += dt.timedelta(days=1)

    # Scripted leads just before the last event (Tuesday 14 April, 15:30).
    def mql_now(lid, at, segment="smb", owner="sofia.berg", **extra):
        log.add(lid, "form_submit", at - dt.timedelta(minutes=5), country="SE", title="VP", employees=650 if segment == "enterprise" else 240,
                email=f"buyer@{lid.lower()}.se", segment=segment, owner=owner, form="contact_sales", **extra)
        log.add(lid, "page_view", at, page="/pricing")

    # at_risk: enterprise (1h budget), 45 minutes of office time so far.
    mql_now("L-9001", local(tz, 2026, 4, 14, 14, 45), segment="enterprise", owner="ann.lind")
    # pending: 1h30m of a 4h budget.
    mql_now("L-9002", local(tz, 2026, 4, 14, 14, 0), owner="erik.holm")
    # paused: on hold since Monday and still on hold.
    mql_now("L-9003", local(tz, 2026, 4, 13, 10, 0), owner="erik.holm")
    log.add("L-9003", "status_changed", local(tz, 2026, 4, 13, 11, 0), status="on_hold",
            note="Customer in procurement freeze until May")
    # overdue: an MQL from last Thursday nobody called.
    mql_now("L-9004", local(tz, 2026, 4, 9, 9, 30), owner=None)
    # recycle pending: rejected yesterday afternoon; recycle overdue: rejected a week ago.
    log.add("L-9005", "sales_rejected", local(tz, 2026, 4, 13, 16, 0), reason="timing")
    log.add("L-9006", "sales_rejected", local(tz, 2026, 4, 7, 11, 0), reason="no budget")
    log.add("L-9006", "page_view", local(tz, 2026, 4, 14, 15, 30), page="/blog/nordic-b2b-benchmark")
    return log, end


def hash_pick(text, n):
    """A stable choice from a string (Python's hash() is randomised per process)."""
    return sum(text.encode()) % n


def sm_after_mql(rng, log, office, lid, attrs, mql):
    owner = attrs.get("owner")
    enterprise = attrs["segment"] == "enterprise"
    budget = 60 if enterprise else 240
    # How quickly each rep (or nobody, for unassigned leads) gets to a new MQL. February is
    # quiet and everyone is quick; from March the campaign volume makes Erik and the
    # unassigned queue slow.
    if mql.astimezone(office.tz).month == 2:
        delay = rng.randint(5, min(int(budget * 0.9), 100))
    elif owner == "ann.lind":
        delay = rng.randint(5, int(budget * 0.9))
    elif owner == "sofia.berg":
        delay = rng.randint(10, int(budget * 0.8)) if rng.random() < 0.85 else rng.randint(budget + 10, budget * 2)
    elif owner == "erik.holm":
        delay = rng.randint(20, budget) if rng.random() < 0.6 else rng.randint(budget + 5, budget * 3)
    else:
        delay = rng.randint(budget // 2, budget * 3)
    t = office.add(mql, delay)
    if rng.random() < 0.08:
        hold = office.add(mql, max(1, delay // 3))
        log.add(lid, "status_changed", hold, status="on_hold", note="Asked us to wait for their budget decision")
        back = hold + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
        log.add(lid, "status_changed", back, status="working")
        t = office.add(back, rng.randint(10, 120))
    log.add(lid, rng.choice(["call", "call", "email_sent", "meeting_booked"]), t)
    r = rng.random()
    if r < 0.5:
        t = office.add(t, rng.randint(240, 2400))
        log.add(lid, "sales_accepted", t)
        if rng.random() < 0.6:
            t = t + dt.timedelta(days=rng.randint(8, 40))
            amount = rng.choice([95, 140, 180, 260, 320, 450, 600]) * 1000
            log.add(lid, "deal_won", t, amount=amount, currency="SEK" if attrs["country"] == "SE" else "EUR")
    elif r < 0.7:
        t = office.add(t, rng.randint(60, 1200))
        log.add(lid, "sales_rejected", t, reason=rng.choice(["no budget", "wrong contact", "timing", "student"]))
        x = rng.random()
        if x < 0.75:
            log.add(lid, "nurture_enrolled", t + dt.timedelta(hours=rng.randint(1, 40)), program="re-engagement")
        elif x < 0.92:
            log.add(lid, "nurture_enrolled", t + dt.timedelta(hours=rng.randint(50, 90)), program="re-engagement")


def write_jsonl(path, log, end, lead_text=str):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for when, _, lead, type_, attrs in log.until(end):
            rec = {"lead": lead_text(lead), "type": type_, "at": log.stamp(when)}
            rec.update({k: v for k, v in attrs.items() if v is not None})
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_dirty(path):
    lines = [
        '{"lead": "L-2001", "type": "form_submit", "at": "2026-03-02T08:05:00Z", "country": "SE", "title": "VP", "employees": 300, "segment": "mid-market", "owner": "ann.lind", "email": "eva.lund@nordbygg.se"}',
        '{"lead": "L-2001", "type": "page_view", "at": "2026-03-02T09:15:00+01:00", "page": "/pricing"}',
        '{"lead": "L-2001", "type": "call", "at": "2026-03-02T10:40:00.000+0000"}',
        '# an export banner that slipped into the file: not JSON',
        '{"lead": "L-2002", "type": "form_submit", "at": "2026-02-30T10:00:00Z", "country": "NO"}',
        '{"type": "email_open", "at": "2026-03-02T11:00:00Z"}',
        '',
        '{"lead": "", "type": "page_view", "at": "2026-03-02T11:30:00Z", "page": "/"}',
        '{"lead": "L-2003", "type": "form_submit", "at": "2026-03-03 09:00", "country": "DK", "title": "Head", "employees": 1200, "segment": "enterprise", "owner": "erik.holm", "utm": {"source": "linkedin", "campaign": "q1"}}',
        '{"lead": "L-2003", "type": "page_view", "at": "2026-03-03T08:20:00Z", "page": "/pricing/enterprise"',
        '{"lead": "L-2003", "type": "page_view", "at": "2026-03-03T08:25:00Z", "page": "/pricing/enterprise"}',
        '{"lead": "L-2003", "type": "email_sent", "at": "2026-03-03T09:05:00Z", "score": NaN}',
        '{"lead": 2004, "type": "page_view", "at": "2026-03-03T12:00:00Z", "page": "/blog/lead-scoring-101"}',
        '{"lead": "L-2003", "type": "meeting_booked", "at": "2026-03-03T10:30:00Z"}',
    ]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------- partner referrals

PR_PARTNERS = [
    ("Fabrikam Consulting", "gold", "EMEA"), ("Trey Research", "gold", "EMEA"),
    ("Litware, Inc.", "gold", "AMER"), ("Northwind Traders", "silver", "AMER"),
    ("Adatum Partners", "silver", "EMEA"), ("Wide World Importers", "silver", "EMEA"),
    ("Proseware", "registered", "AMER"), ("Tailspin Integrators", "registered", "EMEA"),
    ("Coho Solutions", "registered", "AMER"), ("Blue Yonder Cloud Services", "silver", "AMER"),
]
PR_CUSTOMERS = ["tailwindtraders.com", "contoso-pharma.de", "woodgrovebank.co.uk", "alpineski.ch",
                "margiestravel.com", "fourthcoffee.com", "lucernepublishing.fr", "gmail.com",
                "adventure-works.com", "wingtiptoys.com", "consolidatedmessenger.com", "outlook.com",
                "relecloud.nl", "vanarsdel.com", "humongousinsurance.com", "nodpublishers.ie"]
PR_USE_CASES = ["Data centre migration", "CRM rollout", "Analytics modernisation",
                "Migration from on-premises ERP", "Security assessment", "Backup and DR", "Cloud migration"]


def partner_referrals(rng):
    tz = LONDON
    emea = Calendar(tz, one_range_week(range(5), "08:30-12:30", "13:30-17:30"),
                    ["2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25"])
    amer = Calendar(NEW_YORK, one_range_week(range(5), "09:00-17:00"),
                    ["2026-01-19", "2026-02-16", "2026-05-25", "2026-07-03"])
    log = Log(tz, rng)
    end = local(tz, 2026, 4, 8, 16, 0)
    n = [0]

    def new_id():
        n[0] += 1
        return f"DR-26-{n[0]:04d}"

    notes = [
        "Customer is consolidating two data centres.\nDecision expected after their April board meeting.",
        "Champion is the CIO, budget approved for FY26",
        "Competing with an incumbent, wants a joint pitch",
        "Needs UK data residency, see attached RFP",
    ]

    def register(lid, when, partner, tier, region, extra=None):
        size = rng.choice([12, 18, 25, 40, 60, 75, 90, 120, 150, 240]) * 1000
        attrs = dict(partner=partner, partner_tier=tier, region=region, deal_size=size,
                     use_case=rng.choice(PR_USE_CASES), customer_domain=rng.choice(PR_CUSTOMERS),
                     registration_status="submitted")
        attrs.update(extra or {})
        log.add(lid, "deal_registered", when, **attrs)
        return attrs

    weekly_volume = {1: 4, 2: 5, 3: 6, 4: 5, 5: 6, 6: 7, 7: 6, 8: 7, 9: 8, 10: 8, 11: 9, 12: 8, 13: 7}
    day = dt.date(2026, 1, 12)
    while day <= dt.date(2026, 4, 3):
        week = (day - dt.date(2026, 1, 12)).days // 7 + 1
        if day.weekday() == 0:
            count = weekly_volume.get(week, 6)
            slots = sorted(rng.randint(0, 4 * 24 * 60) for _ in range(count))
            for s in slots:
                base = dt.datetime(day.year, day.month, day.day, 7, 0, tzinfo=tz) + dt.timedelta(minutes=s)
                if rng.random() < 0.75:   # most partners register during the day
                    base = base.replace(hour=rng.randint(9, 18))
                partner, tier, region = rng.choice(PR_PARTNERS)
                if rng.random() < 0.06:
                    tier = None            # a new partner not yet tiered: the null group
                lid = new_id()
                attrs = register(lid, base, partner, tier, region)
                pr_lifecycle(rng, log, emea, amer, lid, attrs, base, notes)
        day += dt.timedelta(days=1)

    # Scripted registrations just before the last event (Wednesday 8 April, 16:00 BST).
    # at_risk: silver EMEA, 2bd = 16h, 14h30m counted by now.
    register("DR-26-9001", local(tz, 2026, 4, 7, 9, 0), "Adatum Partners", "silver", "EMEA")
    # pending: 2h of 16h.
    register("DR-26-9002", local(tz, 2026, 4, 8, 14, 0), "Wide World Importers", "silver", "EMEA")
    # paused: waiting for the partner since Tuesday.
    register("DR-26-9003", local(tz, 2026, 4, 7, 10, 0), "Trey Research", "gold", "EMEA")
    log.add("DR-26-9003", "info_requested", local(tz, 2026, 4, 7, 11, 0), registration_status="info_requested",
            note='Please confirm the end customer\'s legal entity; "Relecloud NL" or "Relecloud B.V."?')
    # overdue: nobody looked at it since before Easter.
    register("DR-26-9004", local(tz, 2026, 3, 30, 10, 0), "Tailspin Integrators", "registered", "EMEA")
    # customer_contact pending (approved 20 minutes ago) and overdue (approved a week ago).
    register("DR-26-9005", local(tz, 2026, 4, 8, 9, 0), "Fabrikam Consulting", "gold", "EMEA", {"deal_size": 90000})
    log.add("DR-26-9005", "registration_approved", local(tz, 2026, 4, 8, 15, 40))
    register("DR-26-9006", local(tz, 2026, 3, 31, 15, 0), "Northwind Traders", "silver", "AMER", {"deal_size": 60000})
    log.add("DR-26-9006", "registration_approved", local(tz, 2026, 4, 1, 15, 0))
    # commission pending: won two weeks ago, not yet paid.
    register("DR-26-9007", local(tz, 2026, 2, 23, 10, 0), "Litware, Inc.", "gold", "AMER", {"deal_size": 150000})
    log.add("DR-26-9007", "registration_approved", local(tz, 2026, 2, 23, 16, 0))
    log.add("DR-26-9007", "customer_meeting", local(tz, 2026, 2, 24, 15, 0))
    log.add("DR-26-9007", "deal_won", local(tz, 2026, 3, 25, 17, 0), amount=145000)
    log.add("DR-26-9002", "partner_note", end, note="Customer asked for a call back next week")
    return log, end


def pr_lifecycle(rng, log, emea, amer, lid, attrs, registered, notes):
    desk = amer if attrs["region"] == "AMER" else emea
    gold = attrs["partner_tier"] == "gold"
    budget = 480 if gold else 960
    # Channel review: mostly on time, some late; some wait for information from the partner.
    if rng.random() < 0.85:
        work = rng.randint(30, int(budget * 0.9))
    else:
        work = rng.randint(budget + 30, budget * 2)
    t = desk.add(registered, work)
    if rng.random() < 0.1:
        asked = desk.add(registered, max(1, work // 3))
        log.add(lid, "info_requested", asked, registration_status="info_requested")
        answered = asked + dt.timedelta(hours=rng.randint(4, 70))
        log.add(lid, "info_provided", answered, registration_status="complete")
        t = desk.add(answered, rng.randint(30, 300))
    if rng.random() < 0.22:
        log.add(lid, "registration_rejected", t, reason=rng.choice(
            ["Customer already registered by another partner", "Existing customer, renewal only",
             "Insufficient detail, resubmit"]))
        return
    log.add(lid, "registration_approved", t)
    approved = t
    if rng.random() < 0.3:
        log.add(lid, "partner_note", approved + dt.timedelta(hours=rng.randint(1, 30)), note=rng.choice(notes))
    if rng.random() < 0.25:
        log.add(lid, "joint_call_held", approved + dt.timedelta(days=rng.randint(2, 9)))
    if rng.random() < 0.04:
        log.add(lid, "conflict_flagged", approved + dt.timedelta(days=1), note="Also registered by Proseware")
    # Account executive contact.
    contact_budget = 240 if attrs["region"] == "AMER" and attrs["deal_size"] >= 100_000 else 480
    if rng.random() < 0.25:
        log.add(lid, "customer_call", desk.add(approved, rng.randint(10, 120)), outcome="no_answer")
    work = rng.randint(20, int(contact_budget * 0.9)) if rng.random() < 0.8 else rng.randint(contact_budget + 20, contact_budget * 2)
    t = desk.add(approved, work)
    log.add(lid, rng.choice(["customer_call", "customer_meeting"]), t, outcome="connected")
    # Closing and commission.
    if rng.random() < 0.4:
        won = t + dt.timedelta(days=rng.randint(12, 50), hours=rng.randint(0, 6))
        amount = int(attrs["deal_size"] * rng.choice([0.8, 0.9, 1.0, 1.0, 1.1]))
        log.add(lid, "deal_won", won, amount=amount)
        x = rng.random()
        if x < 0.7:
            log.add(lid, "commission_paid", won + dt.timedelta(days=rng.randint(8, 28)), amount=round(amount * 0.1))
        elif x < 0.85:
            log.add(lid, "commission_paid", won + dt.timedelta(days=rng.randint(32, 45)), amount=round(amount * 0.1))


def write_csv(path, log, end):
    events = log.until(end)
    columns = ["lead", "type", "at"]
    for _, _, _, _, attrs in events:
        for k in attrs:
            if k not in columns:
                columns.append(k)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for when, _, lead, type_, attrs in events:
        row = [lead, type_, log.stamp(when)]
        for k in columns[3:]:
            v = attrs.get(k)
            row.append("" if v is None else v)
        w.writerow(row)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


# --------------------------------------------------------------------------- inbound SaaS

IN_COMPANIES = [
    ("Contoso Retail", "contoso-retail.com", 120, "US", "NA"), ("Fabrikam Health", "fabrikamhealth.com", 850, "US", "NA"),
    ("Maple Leaf Logistics", "mapleleaflogistics.ca", 65, "CA", "NA"), ("Brightside Media", "brightside.co.uk", 40, "GB", "EMEA"),
    ("Kestrel Fintech", "kestrel.io", 230, "GB", "EMEA"), ("Lindqvist Design", "lindqvist.se", 12, "SE", "EMEA"),
    ("Osaka Precision", "osaka-precision.jp", 400, "JP", "APAC"), ("Harbour Analytics", "harbouranalytics.com.au", 55, "AU", "APAC"),
    ("Blue Fin Games", "bluefingames.com", 30, "US", "NA"), ("Redwood Outfitters", "redwoodoutfitters.com", 310, "US", "NA"),
    ("Quill & Ink", "quillandink.co", 8, "US", "NA"), ("Nimbus Robotics", "nimbusrobotics.de", 150, "DE", "EMEA"),
    ("Stanford Research Group", "cs.stanford.edu", 30, "US", "NA"), ("", "gmail.com", 3, "us", "NA"),
]
IN_TITLES = ["Head of Analytics", "Data Analyst", "Director of Operations", "CTO", "Product Manager",
             "Marketing Director", "Software Engineer", "Head of Growth", "student", "Founder"]
IN_SOURCES = ["organic", "organic", "paid_search", "paid_search", "partner", "product_hunt"]
IN_FEATURES = ["dashboards", "alerts", "reports", "sql_editor", "exports", "dashboards"]


def inbound_saas(rng):
    tz = LOS_ANGELES
    sdr = Calendar(NEW_YORK, {**one_range_week(range(4), "08:00-12:00", "13:00-17:00"),
                              **one_range_week([4], "08:00-12:00", "13:00-15:00")},
                   ["2026-01-19", "2026-02-16", "2026-05-25"])
    log = Log(tz, rng)
    end = local(tz, 2026, 4, 10, 11, 0)
    n = [40000]

    def new_id():
        n[0] += 1
        return n[0]

    # Trials per ISO week, W06 (2 Feb) to W15: a slow start, then the March campaign.
    weekly = [5, 7, 6, 8, 12, 13, 12, 10, 14, 7]
    monday = dt.date(2026, 2, 2)
    for week, count in enumerate(weekly):
        for _ in range(count):
            d = monday + dt.timedelta(days=7 * week + rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6]))
            start = local(tz, d.year, d.month, d.day, rng.randint(5, 21), rng.randint(0, 59))
            in_trial(rng, log, sdr, new_id(), start)
    # Demo requests from visitors without a trial.
    for _ in range(22):
        d = monday + dt.timedelta(days=rng.randint(0, 66))
        at = local(tz, d.year, d.month, d.day, rng.randint(0, 23), rng.randint(0, 59))
        company, domain, size, country, region = rng.choice(IN_COMPANIES[:12])
        lid = new_id()
        first, last = person(rng)
        log.add(lid, "Form Submission", at, form="demo_request", email=f"{slug(first)}@{domain}", company=company,
                company_size=size, country=country, region=region,
                plan_interest="enterprise" if size >= 300 else rng.choice(["team", "business"]),
                utm={"source": "linkedin", "campaign": "q1-demo"})
        in_demo(rng, log, sdr, lid, at, size)

    # Scripted leads just before the last event (Friday 10 April, 11:00 = 14:00 in New York).
    def pql_at(lid, at, size=80, **extra):
        log.add(lid, "Trial Started", at - dt.timedelta(minutes=40), email=f"ops@lead{lid}.com", company=f"Lead {lid} Inc",
                company_size=size, country="US", region="NA", signup_source="organic", plan_interest="team", **extra)
        log.add(lid, "Invited Teammate", at - dt.timedelta(minutes=30))
        log.add(lid, "Invited Teammate", at - dt.timedelta(minutes=20))
        log.add(lid, "integration_connected", at - dt.timedelta(minutes=10), integration="snowflake")
        log.add(lid, "feature_used", at, feature="dashboards")

    pql_at(49001, local(tz, 2026, 4, 10, 6, 30))          # pql_followup at_risk: 3h30m of 4h
    pql_at(49002, local(tz, 2026, 4, 10, 10, 30))         # pql_followup pending: 30m
    pql_at(49003, local(tz, 2026, 4, 9, 6, 0))            # pql_followup paused (snoozed)
    pql_at(49007, local(tz, 2026, 4, 8, 6, 0))            # pql_followup overdue: nobody followed up
    log.add(49003, "status_changed", local(tz, 2026, 4, 9, 7, 0), status="snoozed",
            note="On vacation until 20 April")
    for lid, minute in ((49004, 47), (49005, 55), (49006, 30)):  # chat: at_risk, pending, overdue
        log.add(lid, "Form Submission", local(tz, 2026, 4, 10, 10, minute), form="demo_request",
                email=f"cto@visitor{lid}.com", company_size=45, region="NA", plan_interest="team")
    log.add(49005, "page_view", end, page="/pricing")
    return log, end


def in_trial(rng, log, sdr, lid, start):
    company, domain, size, country, region = rng.choice(IN_COMPANIES)
    first, last = person(rng)
    email = f"{slug(first)}.{slug(last)}@{domain}" if domain != "gmail.com" else f"{slug(first)}{rng.randint(10, 99)}@gmail.com"
    source = rng.choice(IN_SOURCES) if rng.random() < 0.9 else None
    attrs = dict(email=email, company=company, company_size=size, job_title=rng.choice(IN_TITLES),
                 country=country, region=region, signup_source=source,
                 plan_interest="enterprise" if size >= 300 else rng.choice(["team", "team", "business"]))
    log.add(lid, "Trial Started", start, **attrs)
    fit = (25 if size >= 50 else 0) + (15 if any(w in attrs["job_title"].lower() for w in ("head", "director")) else 0) \
        + (10 if country.upper() in ("US", "CA", "GB") else 0) - (40 if domain.endswith(".edu") or domain == "gmail.com" else 0) \
        - (20 if len(company) < 2 else 0)
    # Customer Success check-in: mostly within 3 days.
    x = rng.random()
    if x < 0.8:
        log.add(lid, rng.choice(["checkin_email", "checkin_call"]), start + dt.timedelta(hours=rng.randint(2, 66)))
    elif x < 0.9:
        log.add(lid, "checkin_email", start + dt.timedelta(hours=rng.randint(75, 120)))
    # Product usage. About a third of trials use the product seriously.
    engaged = rng.random() < 0.38
    t = start
    usage = 0
    pql = None
    steps = rng.randint(3, 7) if engaged else rng.randint(0, 2)
    per_rule = {"feature": 0, "key_feature": 0, "invite": 0}
    for _ in range(steps):
        t += dt.timedelta(minutes=rng.randint(20, 1800))
        kind = rng.choice(["feature_used", "feature_used", "Invited Teammate", "integration_connected"] if engaged else ["feature_used"])
        if kind == "feature_used":
            feature = rng.choice(IN_FEATURES)
            log.add(lid, kind, t, feature=feature)
            per_rule["feature"] += 5
            if feature in ("dashboards", "alerts"):
                per_rule["key_feature"] += 10
        elif kind == "Invited Teammate":
            log.add(lid, kind, t, invitee_role=rng.choice(["analyst", "engineer", "manager"]))
            per_rule["invite"] += 20
        else:
            log.add(lid, kind, t, integration=rng.choice(["snowflake", "bigquery", "postgres", "salesforce"]))
            usage += 15
        total = min(100, usage + min(40, per_rule["feature"]) + min(20, per_rule["key_feature"]) + min(40, per_rule["invite"]))
        if pql is None and total >= 60 and fit >= 10:
            pql = t
    if pql is not None:
        budget = 120 if size >= 200 else 240
        x = rng.random()
        if x < 0.1:   # the user asks to be contacted later
            snooze = sdr.add(pql, rng.randint(10, 60))
            log.add(lid, "status_changed", snooze, status="snoozed")
            back = snooze + dt.timedelta(days=rng.randint(1, 4))
            log.add(lid, "status_changed", back, status="active")
            log.add(lid, "sdr_email", sdr.add(back, rng.randint(10, 90)))
        else:
            if x < 0.35:
                work = rng.randint(4, 25)            # the SDR was watching the PQL alert
            elif x < 0.8:
                work = rng.randint(20, int(budget * 0.9))
            else:
                work = rng.randint(budget + 10, budget * 2)
            if rng.random() < 0.1:
                log.add(lid, "sdr_call", sdr.add(pql, max(1, work // 2)), outcome="wrong_number")
            log.add(lid, rng.choice(["sdr_email", "sdr_call"]), sdr.add(pql, work), outcome="connected")
    if rng.random() < 0.25:
        at = start + dt.timedelta(hours=rng.randint(1, 120), minutes=rng.randint(0, 59))
        log.add(lid, "Form Submission", at, form="demo_request")
        in_demo(rng, log, sdr, lid, at, size, trial=True)
    elif rng.random() < 0.15:
        log.add(lid, "Form Submission", start + dt.timedelta(hours=rng.randint(1, 200)), form=rng.choice(["pricing_question", "newsletter"]))
    if (pql is not None and rng.random() < 0.6) or rng.random() < 0.05:
        opp = (pql or start) + dt.timedelta(days=rng.randint(2, 8))
        log.add(lid, "opportunity_created", opp, amount_estimate=rng.choice([6000, 12000, 30000, 60000]))
        if rng.random() < 0.65:
            plan = rng.choice(["starter", "team", "team", "business"])
            mrr = {"starter": 49, "team": rng.choice([400, 800, 1200]), "business": rng.choice([2500, 4000, 6000])}[plan]
            log.add(lid, "subscription_started", opp + dt.timedelta(days=rng.randint(1, 10)), plan=plan, mrr=mrr)
            return
    log.add(lid, "Trial Expired", start + dt.timedelta(days=14))


def in_demo(rng, log, sdr, lid, at, size, trial=False):
    budget = 5 if size >= 300 else 15
    if rng.random() < 0.85:
        reply = rng.randint(20, int(budget * 0.9) * 60 + 30)
    else:
        reply = rng.randint(budget * 60 + 30, budget * 60 * 3)
    log.add(lid, rng.choice(["chat_reply", "chat_reply", "Meeting Booked"]), at + dt.timedelta(seconds=reply))
    x = rng.random()
    if x < 0.86:
        held = sdr.add(at, rng.randint(60, 900))
    elif x < 0.95:
        held = sdr.add(at, rng.randint(1500, 2400))
    else:
        return                 # the prospect went quiet: no demo
    log.add(lid, "demo_held", held, attendees=rng.randint(1, 5))
    if not trial and rng.random() < 0.45:
        opp = held + dt.timedelta(days=rng.randint(1, 6))
        log.add(lid, "opportunity_created", opp, amount_estimate=rng.choice([12000, 30000, 60000, 120000]))
        if rng.random() < 0.6:
            plan = "business" if size >= 100 else rng.choice(["team", "business"])
            mrr = {"team": rng.choice([800, 1200, 1600]), "business": rng.choice([2500, 4000, 6000])}[plan]
            log.add(lid, "subscription_started", opp + dt.timedelta(days=rng.randint(3, 14)), plan=plan, mrr=mrr)


def in_lead_text():
    # The marketing platform exports numeric lead ids as JSON numbers; every other record
    # of lead 40003 comes with the id as a string, which is the same lead (SPEC section 5).
    seen = {}

    def text(lead):
        seen[lead] = seen.get(lead, 0) + 1
        return str(lead) if lead == 40003 and seen[lead] % 2 == 0 else lead
    return text


# --------------------------------------------------------------------------- main

def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent
    log, end = smarketing(random.Random(20260302))
    write_jsonl(out / "smarketing.jsonl", log, end)
    write_dirty(out / "smarketing-dirty.jsonl")
    log, end = partner_referrals(random.Random(20260112))
    write_csv(out / "partner_referrals.csv", log, end)
    log, end = inbound_saas(random.Random(20260202))
    write_jsonl(out / "inbound_saas.jsonl", log, end, lead_text=in_lead_text())


if __name__ == "__main__":
    main()
