#!/usr/bin/env bash
# End-to-end test of `trustctl report`, `review` and `export` (issue 6) on a real store file written
# by trust-gen-ledger through TrustStore's write path. The report's numbers are checked against an
# independent computation in Python straight from the SQLite file (rates, streaks of scheduled
# commitments and boundaries, skips left); the HTML page must be well-formed XML with the same numbers;
# the exports must parse as CSV / JSON with one row per occurrence.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=report-e2e
source Tests/Scripts/lib/store-harness.sh
py=/usr/bin/python3

(umask 022 && "$gen" generate --out "$tmp/l" --years 1 --items 8 --seed 11 >/dev/null)
# Generated data is as private as trustd's own: the directory 0700, the files 0600, whatever the umask.
modes=$(stat -c %a "$tmp/l" "$tmp/l/ledger.sqlite" "$tmp/l/plan.yaml" | tr '\n' ' ')
[[ $modes == "700 600 600 " ]] || fail "trust-gen-ledger's output is not private: modes $modes (want 700 600 600)"
args=(--store "$tmp/l/ledger.sqlite" --plan "$tmp/l/plan.yaml")

# 1. JSON: the fields issue 6 names, and numbers equal to a computation from the raw ledger.
"$ctl" report --json "${args[@]}" >"$tmp/report.json" 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "report --json failed"; }
[[ ! -s "$tmp/err" ]] || fail "report --json wrote to stderr: $(cat "$tmp/err")"
"$py" - "$tmp/report.json" "$tmp/l/ledger.sqlite" "$tmp/l/plan.yaml" <<'PY' || fail "JSON numbers differ from the ledger"
import datetime, json, re, sqlite3, sys
doc = json.load(open(sys.argv[1]))
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[2], uri=True)
plan = open(sys.argv[3]).read()
targets = dict(re.findall(r"- id: (\S+)\n\s+title: [^\n]*\n\s+target: (\S+)", plan))
today = datetime.date.fromisoformat(doc["today"])
def num(d): return d.year * 10000 + d.month * 100 + d.day
problems = []
def check(cond, what):
    if not cond: problems.append(what)

items = doc["items"]
check(len(items) == 8, "expected 8 items, got %d" % len(items))
for it in items:
    iid = it["id"]
    for key in ["id", "kind", "streak", "best_streak", "strength", "rate_7d", "rate_30d", "rate_90d", "skips_left", "milestones"]:
        check(key in it, "%s: no %s" % (iid, key))
    check(it["kind"] in ("commitment", "boundary"), "%s: kind %r" % (iid, it["kind"]))
    check(0 <= it["streak"] <= it["best_streak"], "%s: streak %d > best %d" % (iid, it["streak"], it["best_streak"]))
    check(it["strength"] is None or 0 <= it["strength"] <= 1, "%s: strength %r" % (iid, it["strength"]))
    for m in it["milestones"]:
        check(isinstance(m["days"], int) and (m["reached"] is None or re.match(r"\d{4}-\d\d-\d\d$", m["reached"])), "%s: milestone %r" % (iid, m))
    rows = db.execute("SELECT day, state, scheduled, id FROM occurrence WHERE item = ? ORDER BY day, scheduled, id", (iid,)).fetchall()
    # kept / (kept + missed + unanswered) over the last N days, today included
    for n in (7, 30, 90):
        lo = num(today - datetime.timedelta(days=n - 1))
        window = [s for d, s, _, _ in rows if lo <= d <= num(today)]
        asked = sum(1 for s in window if s in ("kept", "missed", "unanswered"))
        want = None if asked == 0 else sum(1 for s in window if s == "kept") / asked
        got = it["rate_%dd" % n]
        check((want is None and got is None) or (want is not None and got is not None and abs(want - got) < 1e-12),
              "%s: rate_%dd %r, ledger says %r" % (iid, n, got, want))
    # skips: 2/month (the generated plan's default), counted in the current month
    month = [s for d, s, _, _ in rows if d // 100 == today.year * 100 + today.month]
    check(it["skips_left"] == max(0, 2 - month.count("skipped")), "%s: skips_left %d" % (iid, it["skips_left"]))
    # streaks of scheduled commitments (consecutive kept check-ins) and boundaries (days held);
    # a skip within 2/month holds, beyond it breaks; missed/unanswered break; pending holds
    if iid in targets:
        check(it["streak_unit"] == "weeks", "%s: unit %s" % (iid, it["streak_unit"]))
        continue
    used, cur, best, prev_day = {}, 0, 0, None
    for d, s, _, _ in rows:
        if d > num(today): break
        if s == "skipped":
            used[d // 100] = used.get(d // 100, 0) + 1
            if used[d // 100] > 2: cur = 0
        elif s in ("missed", "unanswered"):
            cur = 0
        elif s == "kept":
            cur += 1  # every generated item is asked once a day: days held = kept check-ins
        best = max(best, cur)
    check(it["streak"] == cur and it["best_streak"] == best, "%s: streak %d best %d, ledger says %d %d" % (iid, it["streak"], it["best_streak"], cur, best))
week = doc["summary"]["week"]
lo, hi = week["start"].replace("-", ""), week["end"].replace("-", "")
kept, asked = db.execute("SELECT sum(state = 'kept'), sum(state IN ('kept','missed','unanswered')) FROM occurrence WHERE day BETWEEN ? AND ?", (lo, hi)).fetchone()
check((week["kept"], week["asked"]) == (kept or 0, asked or 0), "summary week %r vs ledger %r" % ((week["kept"], week["asked"]), (kept, asked)))
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
PY

# 2. The terminal report: every item, no colour off a terminal or with NO_COLOR.
"$ctl" report "${args[@]}" >"$tmp/report.txt"
grep -q "^Promises kept — " "$tmp/report.txt" || fail "no header line"
grep -q "^This week: " "$tmp/report.txt" || fail "no summary line"
[[ $(grep -c "^  Streak " "$tmp/report.txt") -eq 8 ]] || fail "expected 8 item blocks"
if grep -q $'\e\[' "$tmp/report.txt"; then fail "colour escapes written to a pipe"; fi
NO_COLOR=1 "$ctl" report --color always "${args[@]}" >"$tmp/nocolor.txt"
if grep -q $'\e\[' "$tmp/nocolor.txt"; then fail "colour despite NO_COLOR"; fi
"$ctl" report --color always "${args[@]}" | grep -q $'\e\[' || fail "--color always wrote no colour"

# 3. HTML: private, well-formed, self-contained, the same numbers.
"$ctl" report --html "$tmp/report.html" "${args[@]}" 2>/dev/null
[[ $(stat -c %a "$tmp/report.html") == 600 ]] || fail "the HTML file is not private (mode $(stat -c %a "$tmp/report.html"))"
"$py" - "$tmp/report.html" "$tmp/report.json" <<'PY' || fail "the HTML page is wrong"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()  # raises on malformed markup
doc = json.load(open(sys.argv[2]))
ns = "{http://www.w3.org/1999/xhtml}"
text = open(sys.argv[1]).read()
assert "<script" not in text and "https://" not in text and "url(" not in text, "external or scripted content"
sections = {s.get("data-item"): s for s in root.iter(ns + "section")}
assert list(sections) == [i["id"] for i in doc["items"]], "items differ"
pct = lambda x: str(int(x * 100 + 0.5))
for it in doc["items"]:
    fields = {e.get("data-field"): "".join(e.itertext()) for e in sections[it["id"]].iter() if e.get("data-field")}
    assert fields["streak"] == str(it["streak"]), (it["id"], fields["streak"], it["streak"])
    assert fields["best_streak"] == str(it["best_streak"])
    assert fields["skips_left"] == str(it["skips_left"])
    assert fields["strength"] == pct(it["strength"]), (fields["strength"], it["strength"])
    for n in (7, 30, 90):
        r = it["rate_%dd" % n]
        assert fields["rate_%dd" % n] == ("–" if r is None else pct(r))
PY

# 4. Exports: one row per occurrence, parseable.
count=$(sqlite3 -readonly "$tmp/l/ledger.sqlite" "SELECT count(*) FROM occurrence")
"$ctl" export --format csv "${args[@]}" >"$tmp/x.csv"
"$ctl" export --format jsonl "${args[@]}" -o "$tmp/x.jsonl" 2>/dev/null
"$ctl" export --format json --since 2026-01-01 "${args[@]}" >"$tmp/x.json"
[[ $(stat -c %a "$tmp/x.jsonl") == 600 ]] || fail "the export file is not private"
"$py" - "$tmp" "$count" "$tmp/l/ledger.sqlite" <<'PY' || fail "exports are wrong"
import csv, json, sqlite3, sys
d, count = sys.argv[1], int(sys.argv[2])
rows = list(csv.reader(open(d + "/x.csv", newline="")))
assert rows[0][:3] == ["id", "item", "kind"] and len(rows) == count + 1, (rows[0], len(rows), count)
lines = [json.loads(l) for l in open(d + "/x.jsonl")]
assert len(lines) == count
since = json.load(open(d + "/x.json"))
db = sqlite3.connect(sys.argv[3])
assert len(since) == db.execute("SELECT count(*) FROM occurrence WHERE day >= 20260101").fetchone()[0]
notes = db.execute("SELECT count(*) FROM occurrence WHERE note IS NOT NULL").fetchone()[0]
assert sum(1 for r in lines if r["note"] is not None) == notes
PY

# 5. The weekly review, and reading without a plan.
"$ctl" review --week last "${args[@]}" >"$tmp/review.md"
grep -q "^# Weekly check-in: " "$tmp/review.md" || fail "no review heading"
grep -q "^## What was kept" "$tmp/review.md" || fail "no 'What was kept' section"
"$ctl" report --json --store "$tmp/l/ledger.sqlite" --plan "$tmp/none.yaml" >"$tmp/noplan.json" 2>"$tmp/err"
grep -q "no plan at $tmp/none.yaml" "$tmp/err" || fail "no warning about the missing plan"
"$py" -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['plan']['status']=='missing' and len(d['items'])==8" "$tmp/noplan.json" \
    || fail "report without a plan"
echo "report-e2e: ok"
