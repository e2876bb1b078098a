#!/usr/bin/env bash
# End-to-end: the built `trustctl check` binary on the example plan, a broken plan, the default
# path ($XDG_CONFIG_HOME/trust/plan.yaml) missing and present, and --json. Exit status, stdout
# and stderr are checked as a person or a script would see them.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="$(swift build --show-bin-path)/trustctl"
[[ -x "$bin" ]] || swift build --product trustctl >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "plan-check: FAIL: $*" >&2; exit 1; }

# 1. The example plan is valid, with nothing on stderr.
status=0
"$bin" check --plan Config/plan.example.yaml >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 0 ]] || fail "example plan: exit $status: $(cat "$work/err")"
[[ ! -s "$work/err" ]] || fail "example plan: stderr not empty: $(cat "$work/err")"
grep -qx "Config/plan.example.yaml: valid: 3 commitments, 2 boundaries" "$work/out" || fail "example plan: no summary line"
grep -q "^  next    [A-Z][a-z][a-z] 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] 19:00:00 +0[12]:00$" "$work/out" \
    || fail "example plan: no evening-call check-in in Europe/Berlin: $(cat "$work/out")"

# 2. A broken plan: exit 1, compiler-style errors on stderr, nothing on stdout.
cat >"$work/plan.yaml" <<'EOF'
version: 1
commitments:
  - id: call
    title: Call Sam
    at: Mon..Fri 19:61
    dealine: 2h
EOF
status=0
"$bin" check --plan "$work/plan.yaml" >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 1 ]] || fail "broken plan: exit $status, expected 1"
[[ ! -s "$work/out" ]] || fail "broken plan: stdout not empty"
head -1 "$work/err" | grep -qx "$work/plan.yaml:5:21: error: invalid calendar expression 'Mon..Fri 19:61': minute 61 is out of range 0…59" \
    || fail "broken plan: first error: $(head -1 "$work/err")"
grep -qx "$work/plan.yaml:6:5: error: unknown key 'dealine' in a commitment; did you mean 'deadline'?" "$work/err" \
    || fail "broken plan: no did-you-mean: $(cat "$work/err")"
tail -1 "$work/err" | grep -qx "$work/plan.yaml: 2 errors; the plan is not valid" || fail "broken plan: no summary"

# 3. The default path, missing: the error names it and says how to create it.
export XDG_CONFIG_HOME="$work/config"
status=0
"$bin" check >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 1 ]] || fail "missing plan: exit $status, expected 1"
grep -qx "$work/config/trust/plan.yaml: error: no plan file here" "$work/err" || fail "missing plan: $(cat "$work/err")"
grep -q "cp Config/plan.example.yaml" "$work/err" || fail "missing plan: no hint to copy the example"
grep -qF 'run `trustctl init`' "$work/err" || fail "missing plan: no hint to run trustctl init"

# 4. The default path, present.
mkdir -p "$work/config/trust"
cp Config/plan.example.yaml "$work/config/trust/plan.yaml"
"$bin" check >"$work/out" 2>"$work/err" || fail "default plan: exit $?: $(cat "$work/err")"

# 5. --json: valid JSON with the documented fields; exit 1 and valid=false for the broken plan.
"$bin" check --json >"$work/ok.json" || fail "json: exit $?"
status=0
"$bin" check --json --plan "$work/plan.yaml" >"$work/bad.json" || status=$?
[[ $status -eq 1 ]] || fail "json broken plan: exit $status, expected 1"
/usr/bin/python3 - "$work/ok.json" "$work/bad.json" <<'EOF' || fail "json: unexpected content"
import json, re, sys
ok = json.load(open(sys.argv[1]))
bad = json.load(open(sys.argv[2]))
assert ok["valid"] is True and ok["timezone"] == "Europe/Berlin" and ok["diagnostics"] == [], ok
ids = [i["id"] for i in ok["items"]]
assert ids == ["evening-call", "honest-check-in", "exercise", "no-phone-at-dinner", "respect-privacy"], ids
for item in ok["items"]:
    assert set(item) == {"id", "kind", "title", "schedule", "target", "next"}, item
    assert len(item["next"]) == 3, item
    for t in item["next"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", t), t
assert ok["items"][2]["target"] == "3/week"
assert bad["valid"] is False and bad["items"] == []
d = bad["diagnostics"][0]
assert (d["severity"], d["line"], d["column"]) == ("error", 5, 21), d
EOF

echo "plan-check: ok" >&2
