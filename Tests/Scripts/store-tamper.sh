#!/usr/bin/env bash
# Tamper test of the ledger (issue 4): edit rows with the sqlite3 shell, as a person trying to
# rewrite the record would, and check that `trustctl verify` notices, names the first broken
# link and exits non-zero — and that while the append-only triggers stand, the edit is refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=store-tamper
source Tests/Scripts/lib/store-harness.sh
need sqlite3

"$gen" generate --out "$tmp/clean" --years 1 --items 4 --end 2026-11-24 --seed 7 >/dev/null
"$ctl" verify --store "$tmp/clean/ledger.sqlite" >"$tmp/out" || { cat "$tmp/out" >&2; fail "a fresh ledger does not verify"; }
head=$(sed -n 's/^head: //p' "$tmp/out")

# A missed evening turned into a kept one.
target=$(sqlite3 -readonly "$tmp/clean/ledger.sqlite" \
    "SELECT seq FROM event WHERE type = 'answered' AND answer = 'missed' ORDER BY seq LIMIT 1 OFFSET 3")
[[ -n $target ]] || fail "no missed answer to tamper with"

# 1. With the triggers in place, sqlite3 cannot change or delete an event.
cp "$tmp/clean/ledger.sqlite" "$tmp/guarded.sqlite"
if sqlite3 "$tmp/guarded.sqlite" "UPDATE event SET answer = 'kept' WHERE seq = $target" 2>"$tmp/err"; then
    fail "the append-only trigger did not stop an UPDATE"
fi
grep -q "append-only" "$tmp/err" || fail "unexpected error: $(cat "$tmp/err")"
if sqlite3 "$tmp/guarded.sqlite" "DELETE FROM event WHERE seq = $target" 2>/dev/null; then
    fail "the append-only trigger did not stop a DELETE"
fi
"$ctl" verify --store "$tmp/guarded.sqlite" >/dev/null || fail "refused edits broke the ledger"

check() { # name, SQL, expected text in verify's output
    local name=$1 sql=$2 expect=$3
    cp "$tmp/clean/ledger.sqlite" "$tmp/$name.sqlite"
    sqlite3 "$tmp/$name.sqlite" "DROP TRIGGER event_append_only_update; DROP TRIGGER event_append_only_delete;
        DROP TRIGGER occurrence_never_deleted; DROP TRIGGER occurrence_identity_fixed; $sql"
    if "$ctl" verify --store "$tmp/$name.sqlite" >"$tmp/out" 2>&1; then
        cat "$tmp/out" >&2
        fail "$name: verify passed a tampered ledger"
    fi
    grep -qF "$expect" "$tmp/out" || { cat "$tmp/out" >&2; fail "$name: expected '$expect'"; }
    grep -q "NOT VERIFIED" "$tmp/out" || fail "$name: no verdict"
    echo "store-tamper: $name: detected ($(grep -m1 -E 'BROKEN|problem' "$tmp/out" | cut -c1-110)…)"
}
# 2. An attacker drops the triggers first.
check answer-rewritten \
    "UPDATE event SET answer = 'kept' WHERE seq = $target; UPDATE occurrence SET state = 'kept' WHERE id = (SELECT occurrence FROM event WHERE seq = $target);" \
    "first broken link: event $target: hash mismatch"
check event-deleted "DELETE FROM event WHERE seq = $target;" "event $((target + 1)): event $target is missing"
check state-only "UPDATE occurrence SET state = 'kept' WHERE id = (SELECT occurrence FROM event WHERE seq = $target);" \
    "its stored state disagrees with its events (state 'kept', events say 'missed')"
check day-moved "UPDATE occurrence SET day = day - 1 WHERE id = 5;" "hash mismatch"
# Even recomputing nothing but appending a forged event at the end breaks the link.
check event-forged \
    "INSERT INTO event (seq, occurrence, type, at, channel, answer, hash) SELECT max(seq) + 1, 1, 'corrected', 0, 'terminal', 'kept', zeroblob(32) FROM event;" \
    "hash mismatch"

# 3. An anchor from before proves the history up to it unchanged; a rewritten past fails it.
"$ctl" verify --store "$tmp/clean/ledger.sqlite" --anchor "$head" >/dev/null || fail "anchor check failed on the clean ledger"
if "$ctl" verify --store "$tmp/answer-rewritten.sqlite" --anchor "$head" >/dev/null; then fail "anchor passed a rewritten ledger"; fi
echo "store-tamper: all tamperings detected; the clean ledger verifies, also against its anchor"
