#!/usr/bin/env bash
# Crash test of the ledger (issue 4): a child process answers 1,000 check-ins one by one through
# TrustStore's real write path, printing "ack ID ANSWER" after each answer is committed; we
# SIGKILL it at a random moment, many times. Afterwards every acknowledged answer must be in the
# ledger, SQLite's integrity check must pass and the hash chain must verify.
# Usage: Tests/Scripts/store-crash.sh   (STORE_CRASH_RUNS=N for more or fewer kills; default 25)
set -euo pipefail
cd "$(dirname "$0")/../.."
name=store-crash
source Tests/Scripts/lib/store-harness.sh
need sqlite3

store=$tmp/state/trust/ledger.sqlite
runs=${STORE_CRASH_RUNS:-25}
: >"$tmp/acks"
# How long 1,000 answers take on this machine (fsync speed varies tenfold between disks): one
# uncut run, whose answers are checked like the others'.
start=$(date +%s%N)
"$gen" stress --store "$store" --count 1000 --item crash >"$tmp/out" 2>"$tmp/err"
full_ms=$((($(date +%s%N) - start) / 1000000))
grep -E '^ack [0-9]+ (kept|missed|skipped)$' "$tmp/out" | awk '{ print $2 "," $3 }' >>"$tmp/acks"
killed_mid_run=0
for ((i = 1; i <= runs; i++)); do
    "$gen" stress --store "$store" --count 1000 --item crash >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    pids=("$pid")
    # A random moment between 2 % and 90 % of an uncut run's time (at least 20 ms in).
    sleep "$(awk -v r="$RANDOM" -v full="$full_ms" 'BEGIN { t = full * (0.02 + 0.88 * (r % 1000) / 1000); if (t < 20) t = 20; printf "%.3f", t / 1000 }')"
    if kill -KILL "$pid" 2>/dev/null; then killed_mid_run=$((killed_mid_run + 1)); fi
    wait "$pid" 2>/dev/null || true
    # Only complete lines count as acknowledged (the last one may have been cut by the kill).
    complete=$(wc -l <"$tmp/out")
    head -n "$complete" "$tmp/out" | grep -E '^ack [0-9]+ (kept|missed|skipped)$' |
        awk '{ print $2 "," $3 }' >>"$tmp/acks" || true
    if [[ -s $tmp/err ]] && ! grep -q "answers in" "$tmp/err"; then
        cat "$tmp/err" >&2
        fail "run $i: the writer reported an error (above)"
    fi
done

acked=$(wc -l <"$tmp/acks")
((acked > 0 && killed_mid_run >= runs / 2)) ||
    fail "the test did not exercise anything ($acked acks, $killed_mid_run kills mid-run)"

# Every acknowledged answer is in the ledger with the acknowledged state.
missing=$(sqlite3 -readonly "$store" <<SQL
.mode csv
CREATE TEMP TABLE acks (id INTEGER, answer TEXT);
.import $tmp/acks acks
SELECT count(*) FROM acks a LEFT JOIN occurrence o ON o.id = a.id WHERE o.state IS NOT a.answer;
SQL
)
[[ $missing == 0 ]] || fail "$missing of $acked acknowledged answers are missing or different in the ledger"
integrity=$(sqlite3 -readonly "$store" "PRAGMA integrity_check")
[[ $integrity == ok ]] || fail "integrity_check: $integrity"
"$ctl" verify --store "$store" >"$tmp/verify" || { cat "$tmp/verify" >&2; fail "verify failed"; }
answered=$(sqlite3 -readonly "$store" "SELECT count(*) FROM occurrence WHERE state != 'pending'")
echo "store-crash: $runs runs, $killed_mid_run killed mid-run (an uncut run: $full_ms ms); all $acked acknowledged answers present ($answered answered in the ledger); integrity ok; $(grep '^hash chain' "$tmp/verify")"
