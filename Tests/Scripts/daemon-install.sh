#!/usr/bin/env bash
# The install path in a throwaway HOME: files and modes, an existing plan never overwritten,
# a clear message (exit 3) without a systemd user manager, the installed unit verified by
# systemd-analyze with the exposure README.md states (0.8), and the installed trustd using the default paths.
# Uses the debug build (--bin-dir); the release build with --static-swift-stdlib is exercised
# by Scripts/bench-daemon.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "daemon-install: FAIL: $*" >&2; exit 1; }
swift build --product trustd >/dev/null
swift build --product trustctl >/dev/null
bin_dir=$(swift build --show-bin-path)

home=$(mktemp -d "${TMPDIR:-/tmp}/trustd-install.XXXXXX")
trap '[[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; rm -rf "$home"' EXIT
run() { env -i PATH=/usr/bin:/bin HOME="$home" "$@"; }

set +e
out=$(run Scripts/install --bin-dir "$bin_dir" 2>&1)
status=$?
set -e
[[ $status == 3 ]] || fail "expected exit 3 without a user manager, got $status: $out"
grep -q "no systemd user manager to start it" <<<"$out" || fail "no clear message: $out"
grep -q "systemctl --user daemon-reload && systemctl --user enable --now trustd" <<<"$out" || fail "no command to run: $out"

mode() { stat -c %a "$1"; }
[[ $(mode "$home/.local/bin/trustd") == 755 && $(mode "$home/.local/bin/trustctl") == 755 ]] || fail "binary modes"
[[ $(mode "$home/.config/systemd/user/trustd.service") == 644 ]] || fail "unit mode"
[[ $(mode "$home/.config/trust") == 700 && $(mode "$home/.config/trust/plan.yaml") == 600 ]] || fail "plan modes"
[[ $(mode "$home/.local/state/trust") == 700 ]] || fail "state directory mode"
cmp -s Config/plan.example.yaml "$home/.config/trust/plan.yaml" || fail "plan is not the example"

# Again, after the person edited the plan: kept as is.
echo "# mine" >>"$home/.config/trust/plan.yaml"
out=$(run Scripts/install --bin-dir "$bin_dir" --no-enable 2>&1) || fail "second install: $out"
grep -q "kept your plan" <<<"$out" || fail "$out"
tail -n 1 "$home/.config/trust/plan.yaml" | grep -q "# mine" || fail "the plan was overwritten"

# The installed unit, as systemd reads it (exits 0 even on warnings: fail on any output).
mkdir -m 0700 "$home/run"
verify=$(run XDG_RUNTIME_DIR="$home/run" systemd-analyze --user verify --man=no \
    "$home/.config/systemd/user/trustd.service" 2>&1) || fail "verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
exposure=$(run XDG_RUNTIME_DIR="$home/run" systemd-analyze --user security --offline=true --no-pager \
    "$home/.config/systemd/user/trustd.service" 2>&1 | sed -n 's/.*Overall exposure level for trustd.service: \([0-9.]*\).*/\1/p')
[[ -n "$exposure" ]] || fail "no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 0.8) }' || fail "exposure $exposure > 0.8, the figure README.md and docs/daemon.md give"

# The installed trustd with no options: default plan and ledger paths, ledger 0600.
env -i PATH=/usr/bin:/bin HOME="$home" "$home/.local/bin/trustd" --no-desktop >"$home/trustd.log" 2>&1 &
pid=$!
end=$((SECONDS + 20))
until grep -q "trustd starting" "$home/trustd.log"; do
    ((SECONDS < end)) || fail "trustd did not start: $(cat "$home/trustd.log")"
    sleep 0.2
done
kill -TERM "$pid"
wait "$pid" || fail "trustd exited with $?: $(cat "$home/trustd.log")"
pid=""
grep -q "plan $home/.config/trust/plan.yaml, ledger $home/.local/state/trust/ledger.sqlite" "$home/trustd.log" ||
    fail "unexpected paths: $(head -n 1 "$home/trustd.log")"
[[ $(mode "$home/.local/state/trust/ledger.sqlite") == 600 ]] || fail "ledger mode"
echo "daemon-install: ok (exposure $exposure)"
