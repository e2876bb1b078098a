#!/usr/bin/env bash
# Concurrency test of the ledger (issue 4): two writer processes append answers as fast as they
# can while trustctl answers, lists and verifies the same ledger in a loop. Every trustctl call
# must succeed, none may print "database is locked" (or "busy"), and afterwards every answer is
# there and the chain verifies.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=store-concurrency
source Tests/Scripts/lib/store-harness.sh
need sqlite3
store=$tmp/ledger.sqlite
rounds=${STORE_CONCURRENCY_ROUNDS:-15}

# Check-ins for trustctl to answer, due long ago.
"$gen" stress --store "$store" --item cli --count "$rounds" --open --quiet

"$gen" stress --store "$store" --item writer-a --count 100000 --quiet 2>"$tmp/writer-a.err" &
pids+=($!)
"$gen" stress --store "$store" --item writer-b --count 100000 --quiet 2>"$tmp/writer-b.err" &
pids+=($!)
sleep 0.3

slowest=0
for ((i = 1; i <= rounds; i++)); do
    for cmd in "answer cli kept --note round-$i" "pending --json" "history --limit 3" "history writer-a --limit 2 --json" "verify"; do
        t0=$(date +%s%N)
        # shellcheck disable=SC2086
        if ! "$ctl" $cmd --store "$store" >"$tmp/out" 2>"$tmp/err"; then
            cat "$tmp/out" "$tmp/err" >&2
            fail "round $i: trustctl $cmd failed"
        fi
        ms=$((($(date +%s%N) - t0) / 1000000))
        ((ms > slowest)) && slowest=$ms
        if grep -qiE "locked|busy" "$tmp/out" "$tmp/err"; then
            cat "$tmp/err" >&2
            fail "round $i: trustctl $cmd reported a lock"
        fi
    done
done
for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || fail "a writer stopped early: $(cat "$tmp"/writer-*.err)"
done
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()

kept=$("$ctl" history cli --json --store "$store" | grep -c '"state": "kept"')
[[ $kept == "$rounds" ]] || fail "expected $rounds answered check-ins of 'cli', found $kept"
"$ctl" verify --store "$store" >"$tmp/verify" || { cat "$tmp/verify" >&2; fail "verify failed"; }
others=$(sqlite3 -readonly "$store" "SELECT count(*) FROM occurrence WHERE item LIKE 'writer-%' AND state != 'pending'")
echo "store-concurrency: $rounds rounds of answer/pending/history/verify while 2 writers appended $others answers: no lock errors (slowest call $slowest ms); $(grep '^hash chain' "$tmp/verify")"
