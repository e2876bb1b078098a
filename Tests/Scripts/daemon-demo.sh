#!/usr/bin/env bash
# End-to-end: the README's first command in a pseudo-terminal without a session bus. The demo
# check-in appears in the terminal, a typed `k` answers it, Ctrl-C stops trustd cleanly, and the
# answer is in the ledger (channel terminal).
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/trustd-demo-test.XXXXXX")
cleanup() { exec 3>&- 2>/dev/null || true; [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
[[ -n "${KEEP:-}" ]] && trap - EXIT
fail() { echo "daemon-demo: FAIL: $*" >&2; echo "--- terminal output:" >&2; cat "$tmp/out" >&2 || true; exit 1; }

wait_for() {  # wait_for PATTERN SECONDS
    local end=$((SECONDS + $2))
    until grep -q -- "$1" "$tmp/out" 2>/dev/null; do
        ((SECONDS < end)) || fail "no \"$1\" within $2 s"
        sleep 0.2
    done
}

mkfifo "$tmp/in"
exec 3<>"$tmp/in"
# script(1) gives trustd a terminal: what a person typing sees and does.
env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$tmp/no-runtime" HOME="$tmp" \
    script -qfec "Scripts/demo --store '$tmp/ledger.sqlite' --demo-delay 2" /dev/null <&3 >"$tmp/out" 2>&1 &
pid=$!

wait_for "trustd is running" 600     # includes an incremental build
wait_for "Check-in #1 · demo" 30
grep -q "Demo: did this check-in reach you?" "$tmp/out" || fail "the demo question is missing"
printf 'k it did\n' >&3
wait_for "#1: recorded: kept" 10
printf '\003' >&3                    # Ctrl-C
end=$((SECONDS + 10))
while kill -0 "$pid" 2>/dev/null; do ((SECONDS < end)) || fail "trustd did not stop on Ctrl-C"; sleep 0.2; done
wait "$pid" || fail "the demo exited with status $?"
pid=""
grep -q "trustd stopped" "$tmp/out" || fail "no clean stop"

row=$(sqlite3 "$tmp/ledger.sqlite" "SELECT item, state, answer_channel, note FROM occurrence")
[[ "$row" == "demo|kept|terminal|it did" ]] || fail "ledger has: $row"
[[ $(stat -c %a "$tmp/ledger.sqlite") == 600 ]] || fail "ledger mode $(stat -c %a "$tmp/ledger.sqlite")"
echo "daemon-demo: ok (prompt in the terminal, typed answer in the ledger, clean Ctrl-C)"
