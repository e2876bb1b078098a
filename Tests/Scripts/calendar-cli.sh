#!/usr/bin/env bash
# End-to-end: the built trustctl against systemd-analyze (systemd 252), as a user runs them.
# Same stdout line for line (except "From now", which reads the clock), in several zones;
# invalid expressions fail with the column; --json parses. Uses the debug build of Scripts/test.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="${TRUSTCTL:-$(swift build --show-bin-path)/trustctl}"
[[ -x "$bin" ]] || { echo "calendar-cli: $bin is missing: run swift build first" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "calendar-cli: systemd-analyze missing (Scripts/setup)" >&2; exit 1; }
export LC_ALL=C SYSTEMD_COLORS=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "calendar-cli: FAIL: $*" >&2; exit 1; }

exprs=('Mon..Fri 19:00' 'Sun 18:00' 'daily' '*-*-* 07:30' 'weekly' 'hourly' '*:0/20' '*-*-* 02:30'
    '*-02~03' 'Mon *-05~07/1' '*:*:0/0.5' 'quarterly' '2026-11-29 02:30 Europe/Berlin' 'Sat 10:00 Asia/Tokyo'
    '*-*~01 23:59:59' '@1795633200' '2199-12-31 23:59:59' 'minutely UTC')
for tz in Europe/Berlin America/New_York Australia/Lord_Howe Asia/Kolkata UTC; do
    for base in @1774735183 @1792879183 @1795604400 '2026-10-04 01:45' '2028-02-28 23:59:30' @7258032000; do
        TZ=$tz "$bin" calendar --base-time="$base" --iterations 12 "${exprs[@]}" >"$tmp/ours" 2>"$tmp/ours.err" ||
            fail "trustctl failed (TZ=$tz base=$base): $(cat "$tmp/ours.err")"
        TZ=$tz systemd-analyze calendar --base-time="$base" --iterations 12 "${exprs[@]}" >"$tmp/theirs"
        diff <(grep -v 'From now' "$tmp/ours") <(grep -v 'From now' "$tmp/theirs") >"$tmp/diff" ||
            fail "output differs from systemd-analyze (TZ=$tz base=$base):
$(head -20 "$tmp/diff")"
    done
done

# "From now" too, when both run at the same moment (a second may tick between them: retry once).
same_now() {
    diff <(TZ=Europe/Berlin "$bin" calendar --iterations 5 'Mon..Fri 19:00' '*:0/10' yearly) \
        <(TZ=Europe/Berlin systemd-analyze calendar --iterations 5 'Mon..Fri 19:00' '*:0/10' yearly) >/dev/null
}
same_now || same_now || fail "'From now' lines differ from systemd-analyze"

# Invalid: non-zero, the expression and the column on stderr, valid ones still printed.
if TZ=UTC "$bin" calendar 'Mon..Fry 19:00' daily >"$tmp/out" 2>"$tmp/err"; then
    fail "an invalid expression exited 0"
fi
grep -q "^trustctl: calendar: 'Mon..Fry 19:00': column 6: " "$tmp/err" || fail "no column in: $(cat "$tmp/err")"
grep -q '^       \^$' "$tmp/err" || fail "no caret under column 6: $(cat "$tmp/err")"
grep -q 'Normalized form: \*-\*-\* 00:00:00' "$tmp/out" || fail "the valid expression was not reported"

# JSON: an array, one object per expression, ISO 8601 with offsets.
TZ=Europe/Berlin "$bin" calendar --json --base-time=@1795604400 --iterations 3 'Mon..Fri 19:00' 'bogus' >"$tmp/json" 2>/dev/null || true
/usr/bin/python3 - "$tmp/json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 2, a
assert a[0] == {"expression": "Mon..Fri 19:00", "normalized": "Mon..Fri *-*-* 19:00:00",
                "next": ["2026-11-25T19:00:00+01:00", "2026-11-26T19:00:00+01:00", "2026-11-27T19:00:00+01:00"]}, a[0]
assert a[1]["expression"] == "bogus" and a[1]["column"] == 1, a[1]
EOF

# A bad --base-time and an unknown $TZ are errors, not silently "now".
if TZ=UTC "$bin" calendar --base-time='next week' daily >/dev/null 2>&1; then fail "bad --base-time accepted"; fi
if TZ=Mars/Olympus "$bin" calendar daily >/dev/null 2>&1; then fail "unknown TZ accepted"; fi

# A short command is one thread (issue 15: no concurrency runtime, whose worker threads cost a
# trivial command a millisecond); the exit status and errors still come through the synchronous entry.
command -v strace >/dev/null || { echo "calendar-cli: strace missing (Scripts/setup)" >&2; exit 1; }
TZ=UTC strace -f -qq -e trace=clone,clone3 -o "$tmp/threads" "$bin" calendar --base-time=@1795604400 daily >/dev/null ||
    fail "trustctl calendar failed under strace"
[[ ! -s "$tmp/threads" ]] || fail "trustctl calendar started threads: $(head -3 "$tmp/threads")"
TZ=UTC strace -f -qq -e trace=clone,clone3 -o "$tmp/threads" "$bin" calendar --base-time=@1795604400 'Mon..Fry' >/dev/null 2>&1 &&
    fail "an invalid expression exited 0 (synchronous entry)"
[[ ! -s "$tmp/threads" ]] || fail "a failing trustctl calendar started threads: $(head -3 "$tmp/threads")"
rc=0
"$bin" bogus-command >/dev/null 2>&1 || rc=$?
[[ $rc == 64 ]] || fail "an unknown subcommand exited $rc, not 64 (EX_USAGE)"
echo "calendar-cli: ok"
