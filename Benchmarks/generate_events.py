#!/usr/bin/env python3
"""Deterministic generator of realistic CRM lead events for the `sla` benchmarks.

    python3 Benchmarks/generate_events.py --seed 1 --leads 150000 \
        --format jsonl --order sorted --out Benchmarks/data/bench.jsonl

Standard library only. The same arguments always produce the same bytes (one seeded
random stream, drawn lead by lead; nothing depends on the clock, locale or hash order).

Each lead gets about 8 events: page views and email opens, usually a form submission
(sometimes two), sales touches (call, email_sent, meeting_booked) after a realistic
delay (a few minutes to a few days, so that a 4-hour deadline is met, late, overdue or
pending), then possibly sales_accepted and deal_won (with `amount`). Leads arrive from
2026-01-01T00:00:00Z over `--months` months (default 4), mostly in business hours; the export is a snapshot at the end of that
span, so the last leads' cycles are still pending or overdue.
Attributes: country, title, employees, email, company, segment, owner, page, amount
(and status for the smarketing profile).

A few per cent of leads exercise the order rules on purpose: a touch at the very same
second as the form submission, written before it (it does not stop the cycle: the cycle
is not open yet) or after it (it does stop it); touches before any form submission;
second form submissions (only the first enters `mql`).

Profiles:
  bench       (default) the event types of Benchmarks/bench.sla and then some.
  smarketing  also unsubscribe, sales_rejected -> nurture_enrolled, `status` on_hold /
              active changes (pauses), gmail addresses; matches examples/smarketing.sla.

Orders:
  sorted      by (time, generation order), like a CRM export sorted by timestamp.
  shuffled    a seeded random permutation of the same events.

Memory stays bounded for big outputs: events are generated in chunks of leads; each
chunk is sorted by its key and, when there is more than one chunk, spilled to a
temporary file; the chunks are then merged. 10 M events take about 1 GB of JSONL.
"""

import argparse
import heapq
import os
import random
import sys
import tempfile

EPOCH_2026 = 1767225600  # 2026-01-01T00:00:00Z
DAY = 86400
HOUR = 3600

# ---------------------------------------------------------------- timestamp formatting

_DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _day_strings(ndays):
    """'YYYY-MM-DDT' for the days from 2026-01-01 on."""
    out = []
    y, m, d = 2026, 1, 1
    for _ in range(ndays):
        out.append("%04d-%02d-%02dT" % (y, m, d))
        d += 1
        dim = _DAYS_IN_MONTH[m - 1] + (1 if m == 2 and (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 0)
        if d > dim:
            d = 1
            m += 1
            if m > 12:
                m = 1
                y += 1
    return out


DAY_STR = _day_strings(3 * 366)
HMS_STR = ["%02d:%02d:%02dZ" % (s // 3600, (s // 60) % 60, s % 60) for s in range(DAY)]


def iso(t):
    """Seconds since 2026-01-01T00:00:00Z -> ISO 8601 UTC text."""
    return DAY_STR[t // DAY] + HMS_STR[t % DAY]


# ---------------------------------------------------------------- attribute vocabularies

COUNTRIES = ["SE"] * 9 + ["NO"] * 5 + ["DK"] * 5 + ["FI"] * 4 + ["DE"] * 4 + ["GB"] * 3 + ["US"] * 3 + ["NL", "FR", "PL"]
TITLES = ["VP", "Director", "Head", "Manager", "Manager", "Engineer", "Analyst", "CEO", "Consultant", "Specialist"]
EMPLOYEES = [5, 12, 25, 40, 80, 150, 200, 350, 600, 1200, 2500, 8000]
FIRST = ["anna", "erik", "maja", "lars", "elin", "jonas", "sofia", "mikko", "ingrid", "oskar", "freja", "nils",
         "aino", "magnus", "sara", "henrik", "liv", "juha", "karin", "anders"]
LAST = ["holm", "berg", "lind", "nieminen", "hansen", "larsen", "virtanen", "johansson", "dahl", "strand"]
COMPANIES = ["Göta Finans", "Nordvik Logistics", "Fjord Health", "Aalto Robotics", "Kvist & Co", "Saga Retail",
             "Björk Energy", "Helix Software", "Tundra Games", "Baltic Freight", "Lumen Analytics", "Vinter Bank",
             "Nordic Foods, AB", "Runa \"Labs\"", "Polar Data", "Skarp Security"]
DOMAINS = ["gotafinans.se", "nordvik.no", "fjordhealth.dk", "aaltorobotics.fi", "kvist.se", "saga.se",
           "bjorkenergy.no", "helix.io", "tundragames.fi", "balticfreight.de", "lumen.co.uk", "vinterbank.se",
           "nordicfoods.se", "runalabs.dk", "polardata.no", "skarp.fi"]
OWNERS = ["erik.holm", "sara.lind", "mikko.virtanen", "ingrid.dahl", "jonas.berg", "freja.hansen"]
PAGES = ["/", "/", "/pricing", "/pricing/teams", "/pricing/enterprise", "/blog/nordic-b2b-benchmark",
         "/blog/sla-101", "/customers", "/docs/getting-started", "/product", "/product/integrations", "/careers"]
TOUCHES = ["call", "call", "email_sent", "email_sent", "email_sent", "meeting_booked"]
# Business-hour-weighted hour of day (UTC) for a lead's first visit.
HOURS = [h for h in range(24) for _ in range(8 if 7 <= h <= 16 else (3 if 5 <= h <= 20 else 1))]

COLUMNS = ["lead", "type", "at", "country", "title", "employees", "email", "company", "segment", "owner",
           "page", "campaign", "status", "amount"]
COL = {name: i for i, name in enumerate(COLUMNS)}


def json_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def csv_str(s):
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


# ---------------------------------------------------------------- event formatting

class Formatter:
    """Builds the text of one event (a JSONL line or a CSV record, no newline)."""

    def __init__(self, fmt):
        self.fmt = fmt
        self.ncols = len(COLUMNS)

    def header(self):
        return ",".join(COLUMNS) + "\n" if self.fmt == "csv" else ""

    def line(self, lead, typ, t, attrs):
        """attrs: list of (column name, value) with str, int or float values."""
        if self.fmt == "jsonl":
            parts = ['{"lead": "', lead, '", "type": "', typ, '", "at": "', iso(t), '"']
            for k, v in attrs:
                parts.append(', "')
                parts.append(k)
                parts.append('": ')
                parts.append(json_str(v) if isinstance(v, str) else repr(v))
            parts.append("}")
            return "".join(parts)
        cells = [""] * self.ncols
        cells[0] = lead
        cells[1] = typ
        cells[2] = iso(t)
        for k, v in attrs:
            cells[COL[k]] = csv_str(v) if isinstance(v, str) else repr(v)
        return ",".join(cells)


# ---------------------------------------------------------------- the lead model

class LeadModel:
    def __init__(self, rng, profile, months):
        self.r = rng
        self.smarketing = profile == "smarketing"
        # Days from 2026-01-01 to the first day of the month `months` later (the export time).
        self.span_days = DAY_STR.index("%04d-%02d-01T" % (2026 + months // 12, months % 12 + 1))

    def touch_delay(self):
        """Seconds from a form submission to the first sales touch."""
        r = self.r.random()
        if r < 0.45:
            return self.r.randint(60, 3 * HOUR)           # quick: met
        if r < 0.65:
            return self.r.randint(3 * HOUR, 5 * HOUR)     # around the 4h budget
        if r < 0.90:
            return self.r.randint(5 * HOUR, 3 * DAY)      # late
        return self.r.randint(3 * DAY, 20 * DAY)          # very late

    def lead_events(self, lead_no):
        """[(t, type, attrs)] of one lead, in generation (input) order."""
        r = self.r
        lead = "L-%07d" % lead_no
        ev = []
        day = r.randrange(self.span_days)
        t0 = day * DAY + r.choice(HOURS) * HOUR + r.randrange(HOUR)
        country = r.choice(COUNTRIES)
        ci = r.randrange(len(COMPANIES))
        employees = r.choice(EMPLOYEES)
        segment = "enterprise" if employees >= 1000 else ("mid-market" if employees >= 200 else "smb")
        first = r.choice(FIRST)
        gmail = r.random() < (0.2 if self.smarketing else 0.1)
        email = first + ("." + r.choice(LAST) if not gmail else str(r.randrange(100))) + "@" + \
            ("gmail.com" if gmail else DOMAINS[ci])
        owner = r.choice(OWNERS)

        # Anonymous browsing, then identified activity.
        t = t0
        nviews = 1 + int(r.expovariate(1 / 3.4))
        for i in range(nviews):
            attrs = [("page", r.choice(PAGES))]
            if i == 0:
                attrs.append(("country", country))
            ev.append((t, "page_view", attrs))
            t += r.randint(20, 600) if r.random() < 0.7 else r.randint(HOUR, 4 * DAY)
        for _ in range(int(r.expovariate(1 / 2.6))):
            t += r.randint(10 * 60, 5 * DAY)
            ev.append((t, "email_open", [("campaign", "nurture-%d" % r.randrange(12))] if r.random() < 0.5 else []))
            if self.smarketing and r.random() < 0.03:
                ev.append((t + r.randint(5, 300), "unsubscribe", []))

        # A cold call before any form submission: never stops the later cycle.
        if r.random() < 0.05:
            ev.append((t0 + r.randint(0, HOUR), "call", [("owner", owner)]))

        if r.random() < 0.85:
            t += r.randint(30, 2 * DAY)
            tf = t
            form = [("country", country), ("title", r.choice(TITLES)), ("employees", employees),
                    ("email", email), ("company", COMPANIES[ci]), ("segment", segment), ("owner", owner)]
            if self.smarketing and r.random() < 0.08:
                form.append(("status", "on_hold"))
            tie = r.random()
            if tie < 0.015:
                # Same second, written before the form submission: does not count.
                ev.append((tf, r.choice(TOUCHES), [("owner", owner)]))
                ev.append((tf, "form_submit", form))
            elif tie < 0.03:
                # Same second, written after: it stops the cycle (elapsed 0).
                ev.append((tf, "form_submit", form))
                ev.append((tf, r.choice(TOUCHES), [("owner", owner)]))
            else:
                ev.append((tf, "form_submit", form))
            if r.random() < 0.12:
                ev.append((tf + r.randint(60, 10 * DAY), "form_submit", [("page", "/contact")]))
            if self.smarketing and form[-1][0] == "status" and r.random() < 0.7:
                ev.append((tf + r.randint(HOUR, 3 * DAY), "page_view", [("page", "/pricing"), ("status", "active")]))

            if r.random() < 0.9:
                tt = tf + self.touch_delay()
                ntouch = 1 + int(r.expovariate(1 / 1.0))
                for _ in range(ntouch):
                    attrs = [("owner", owner)]
                    ev.append((tt, r.choice(TOUCHES), attrs))
                    tt += r.randint(10 * 60, 4 * DAY)
                if r.random() < 0.45:
                    tt += r.randint(HOUR, 5 * DAY)
                    ev.append((tt, "sales_accepted", [("owner", owner)]))
                    if r.random() < 0.3:
                        tt += r.randint(DAY, 40 * DAY)
                        amount = r.choice([4800, 9600, 12000, 24000, 36000, 60000, 120000]) + r.randrange(100) * 50
                        ev.append((tt, "deal_won", [("amount", amount)]))
                elif self.smarketing and r.random() < 0.35:
                    tt += r.randint(HOUR, 5 * DAY)
                    ev.append((tt, "sales_rejected", [("owner", owner)]))
                    if r.random() < 0.8:
                        ev.append((tt + r.randint(10 * 60, 4 * DAY), "nurture_enrolled", []))
        # The export is a snapshot taken at the end of the span: later events do not exist yet.
        end = self.span_days * DAY
        return lead, [e for e in ev if e[0] < end]


# ---------------------------------------------------------------- output

def generate(args):
    fmt = Formatter(args.format)
    rng = random.Random(args.seed)
    shuffle_rng = random.Random(args.seed * 7919 + 1)
    model = LeadModel(rng, args.profile, args.months)
    shuffled = args.order == "shuffled"
    chunk_leads = args.chunk_leads
    out_path = args.out
    tmpdir = os.path.dirname(os.path.abspath(out_path)) or "."
    chunk_files = []
    seq = 0
    total = 0
    lead_no = 1
    remaining = args.leads
    chunk = []

    def flush(final):
        """Sort the chunk; write it out directly, or spill it to a temporary file."""
        nonlocal chunk
        chunk.sort()
        if final and not chunk_files:
            with open(out_path, "w", encoding="utf-8", newline="\n") as f:
                f.write(fmt.header())
                buf = []
                for _, line in chunk:
                    buf.append(line)
                    if len(buf) >= 50000:
                        f.write("\n".join(buf) + "\n")
                        buf = []
                if buf:
                    f.write("\n".join(buf) + "\n")
        elif chunk:
            fd, path = tempfile.mkstemp(prefix=".gen-chunk-", dir=tmpdir)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                buf = []
                for key, line in chunk:
                    buf.append("%030d\t%s" % (key, line))
                    if len(buf) >= 50000:
                        f.write("\n".join(buf) + "\n")
                        buf = []
                if buf:
                    f.write("\n".join(buf) + "\n")
            chunk_files.append(path)
        chunk = []

    while remaining > 0:
        n = min(chunk_leads, remaining)
        for _ in range(n):
            lead, events = model.lead_events(lead_no)
            lead_no += 1
            for t, typ, attrs in events:
                line = fmt.line(lead, typ, t, attrs)
                if shuffled:
                    key = (shuffle_rng.getrandbits(62) << 34) | seq
                else:
                    key = (t << 34) | seq
                chunk.append((key, line))
                seq += 1
        total += len(chunk)
        remaining -= n
        flush(remaining == 0)

    if chunk_files:
        files = [open(p, "r", encoding="utf-8") for p in chunk_files]
        try:
            with open(out_path, "w", encoding="utf-8", newline="\n") as f:
                f.write(fmt.header())
                buf = []
                for line in heapq.merge(*files):
                    buf.append(line[31:])
                    if len(buf) >= 50000:
                        f.write("".join(buf))
                        buf = []
                if buf:
                    f.write("".join(buf))
        finally:
            for fh in files:
                fh.close()
            for p in chunk_files:
                os.unlink(p)
    return total


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--leads", type=int, default=150000)
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--order", choices=["sorted", "shuffled"], default="sorted")
    p.add_argument("--profile", choices=["bench", "smarketing"], default="bench")
    p.add_argument("--months", type=int, default=4, help="span of lead arrivals from 2026-01-01 (default 4)")
    p.add_argument("--chunk-leads", type=int, default=200000, help="leads per in-memory chunk (default 200000)")
    p.add_argument("--out", required=True, help="output file (- for stdout is not supported)")
    args = p.parse_args(argv)
    if args.leads < 0 or args.chunk_leads < 1 or not 1 <= args.months <= 24:
        p.error("--leads must be >= 0, --chunk-leads >= 1 and --months 1 to 24")
    total = generate(args)
    print("%s: %d events, %d leads (%s, %s, %s)" % (args.out, total, args.leads, args.profile, args.format, args.order),
          file=sys.stderr)


if __name__ == "__main__":
    main()
