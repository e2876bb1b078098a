# One run of trustd under a real `systemd --user` (not a test itself: Tests/Scripts/daemon-user-manager.sh
# and Tests/Scripts/package-deb.sh run it). Run as root, inside `unshare -m --propagation private`
# (every mount below stays in that namespace), from the repository root:
#
#   bash Tests/Scripts/lib/user-manager-scenario.sh USER MODE RUN WORK
#     USER  root, or a non-root account (its manager gets a delegated cgroup)
#     MODE  install: Scripts/install from WORK/src (--bin-dir WORK/bin --man-dir WORK/man) into a
#                    fresh HOME, unit ~/.config/systemd/user/trustd.service
#           package: the unit of the installed Debian package, /usr/lib/systemd/user/trustd.service
#     RUN   bind: make /run a mount point first (as on a desktop); plain: leave /run as it is here
#           (not a mount point: systemd puts an empty tmpfs over /run in the unit's namespace)
#     WORK  a directory readable by USER with src/ (the files the install path needs), bin/, man/
#
# The path (each step fails the run with the unit's status and logs):
#   manager up with its own dbus.socket → the test notification server on that session bus →
#   install, a drop-in (WatchdogSec=4s, output to ~/trustd.log) → the manager's environment given
#   other XDG_CONFIG_HOME/XDG_STATE_HOME → enable --now → active with STATUS=, no plan yet → a plan
#   written with a check-in 8 s ahead → Notify reaches the server → ActionInvoked "kept" → the
#   answer in `trustctl history` (terminal defaults: the same ledger) → reload ×4, all rc 0 → a plan
#   with an error, reloaded: active, the error in STATUS= and the log → the watchdog timestamp
#   advances → stop: Result=success → systemd-analyze --user verify silent → security ≤ 1.0.
set -euo pipefail
user=$1 mode=$2 run_mode=$3 work=$4
name="user-manager[$user,$mode,$run_mode]"

diagnose() {
    echo "--- systemctl --user status trustd" >&2
    as_user systemctl --user --no-pager status trustd >&2 2>&1 || true
    as_user systemctl --user --no-pager show trustd -p Result -p StatusText -p ExecMainStatus -p NRestarts >&2 2>&1 || true
    for f in "$home/trustd.log" "$work/manager-$user.log" "$work/server-$user.log"; do
        [[ -s "$f" ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
    done
    true
}

fail() {
    say "FAIL: $*"
    diagnose
    if [[ -n "${TRUSTD_UM_PAUSE:-}" ]]; then say "paused: manager $manager_pid"; sleep "$TRUSTD_UM_PAUSE"; fi
    exit 1
}

source Tests/Scripts/lib/user-manager-up.sh

# --- The test notification server on the manager's session bus (dbus.socket starts dbus).
mkfifo "$work/hold-$user"
chmod 0666 "$work/hold-$user"
as_user /usr/bin/python3 "$work/src/fake-notification-server.py" --address "unix:path=$rt/bus" \
    <"$work/hold-$user" >"$work/server-$user.out" 2>"$work/server-$user.log" &
server_pid=$!
exec 4>"$work/hold-$user"
wait_for 30 grep -q '^READY' "$work/server-$user.out" || fail "the notification server did not start on $rt/bus"

# --- Install.
case $mode in
install)
    out=$(as_user "$work/src/Scripts/install" --no-enable --bin-dir "$work/bin" --man-dir "$work/man" 2>&1) ||
        fail "Scripts/install: $out"
    grep -q "trustctl init" <<<"$out" || fail "install does not point to trustctl init: $out"
    unit_file="$home/.config/systemd/user/trustd.service"
    ctl="$home/.local/bin/trustctl"
    [[ ! -e "$home/.config/trust/plan.yaml" ]] || fail "install made a live plan"
    ;;
package)
    unit_file=/usr/lib/systemd/user/trustd.service
    ctl=/usr/bin/trustctl
    [[ ! -e "$home/.config/trust" ]] || fail "the plan directory exists before the first start"
    ;;
esac
[[ -f $unit_file ]] || fail "no unit at $unit_file"
dropin="$home/.config/systemd/user/trustd.service.d"
as_user mkdir -p "$dropin"
as_user sh -c "printf '[Service]\nWatchdogSec=4s\nStandardOutput=append:%%h/trustd.log\nStandardError=inherit\n' >'$dropin/test.conf'"

# The manager's environment names other XDG directories: trustd must still use the unit's paths,
# the ones trustctl uses by default in a terminal.
as_user systemctl --user set-environment XDG_CONFIG_HOME="$home/elsewhere/config" XDG_STATE_HOME="$home/elsewhere/state"
as_user systemctl --user daemon-reload
as_user systemctl --user enable --now trustd 2>"$work/enable-$user.log" || fail "enable --now: $(cat "$work/enable-$user.log")"
[[ $(as_user systemctl --user is-active trustd) == active ]] || fail "not active after enable --now"
[[ $(as_user systemctl --user is-enabled trustd) == enabled ]] || fail "not enabled"
status_text() { as_user systemctl --user show trustd -p StatusText --value; }
[[ -n $(status_text) ]] || fail "no STATUS= after start"
say "active, STATUS=$(status_text)"
[[ $(stat -c %a "$home/.config/trust") == 700 && $(stat -c %a "$home/.local/state/trust") == 700 ]] ||
    fail "plan or ledger directory is not 0700"

# trustctl doctor finds the unit (the user's or the package's) and agrees on the paths; with
# XDG_STATE_HOME elsewhere in the terminal it warns and names the unit's ledger.
doctor() { as_user env "$@" "$ctl" doctor --json 2>/dev/null || true; }
check_of() { /usr/bin/python3 -c 'import json,sys; d={c["id"]: c for c in json.load(sys.stdin)["checks"]}; c=d[sys.argv[1]]; print(c["status"], c.get("remedy") or "")' "$1"; }
[[ $(doctor | check_of unit) == "ok "* ]] || fail "doctor's unit check: $(doctor | check_of unit)"
[[ $(doctor | check_of paths) == "ok "* ]] || fail "doctor's paths check: $(doctor | check_of paths)"
paths=$(doctor XDG_STATE_HOME="$home/elsewhere/state" | check_of paths)
[[ $paths == "warning "*"--store $home/.local/state/trust/ledger.sqlite"* ]] || fail "doctor misses the ledger mismatch: $paths"
say "doctor: unit ok, paths agree; with XDG_STATE_HOME elsewhere: warning"

# --- A plan appears (as trustctl init would write it): a check-in 8 s from now is shown.
at=$(date -u -d '+8 sec' '+%H:%M:%S')
as_user sh -c "umask 077; cat >'$home/.config/trust/plan.yaml.tmp' && mv '$home/.config/trust/plan.yaml.tmp' '$home/.config/trust/plan.yaml'" <<YAML
version: 1
timezone: UTC
commitments:
  - id: call-sam
    title: Call Sam
    at: "*-*-* $at UTC"
    deadline: 1h
YAML
notify_id() {
    as_user /usr/bin/python3 - "$rt/bus" <<'PY'
import json, sys
import dbus
bus = dbus.bus.BusConnection("unix:path=" + sys.argv[1])
test = dbus.Interface(bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications"), "org.trustd.Test")
calls = [c for c in json.loads(test.Calls()) if c["method"] == "Notify" and "Call Sam" in json.dumps(c["args"])]
if not calls:
    sys.exit(1)
print(calls[-1]["result"])
PY
}
wait_for 40 notify_id || fail "no Notify for the check-in at $at UTC reached the server"
nid=$(notify_id)
say "check-in at $at shown (notification $nid)"
as_user /usr/bin/python3 - "$rt/bus" "$nid" <<'PY' || fail "could not emit ActionInvoked"
import sys
import dbus
bus = dbus.bus.BusConnection("unix:path=" + sys.argv[1])
test = dbus.Interface(bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications"), "org.trustd.Test")
test.EmitActionInvoked(dbus.UInt32(int(sys.argv[2])), "kept")
PY
kept() { as_user "$ctl" history call-sam | grep -q kept; }
wait_for 15 kept || fail "the answer is not in the ledger: $(as_user "$ctl" history 2>&1)"
# Only trustd's own files: other user services of the manager (WirePlumber) write under the
# XDG_STATE_HOME given to the manager.
[[ -e "$home/.local/state/trust/ledger.sqlite" && ! -e "$home/elsewhere/state/trust" && ! -e "$home/elsewhere/config/trust" ]] ||
    fail "trustd did not use the unit's ledger path"
say "the button's answer is in trustctl history"

# --- Reloads.
for i in 1 2 3 4; do
    as_user systemctl --user reload trustd 2>"$work/reload-$user.log" || fail "reload $i: rc $?: $(cat "$work/reload-$user.log")"
done
[[ $(as_user systemctl --user is-active trustd) == active ]] || fail "not active after reloads"
say "reload ×4: rc 0"

# --- A plan with an error.
as_user sh -c "printf 'version: 1\ncommitments:\n  - id: call-sam\n    title: Call Sam\n    at: Mon..Fry 19:00\n' >'$home/.config/trust/plan.yaml'"
as_user systemctl --user reload trustd || fail "reload of a bad plan: rc $?"
rejected() { status_text | grep -q "plan rejected"; }
wait_for 10 rejected || fail "STATUS= does not say the plan was rejected: $(status_text)"
[[ $(as_user systemctl --user is-active trustd) == active ]] || fail "not active with a bad plan"
grep -q "plan.yaml:5:.*Fry" "$home/trustd.log" || fail "the log does not name the error's line"
say "bad plan: still active, STATUS=$(status_text)"

# --- The watchdog.
wd() { as_user systemctl --user show trustd -p WatchdogTimestampMonotonic --value; }
w1=$(wd)
sleep 3
w2=$(wd)
[[ -n $w1 && $w1 != 0 && $w2 -gt $w1 ]] || fail "the watchdog timestamp did not advance ($w1 → $w2)"
say "watchdog: $w1 → $w2"

# --- Stop.
as_user systemctl --user stop trustd || fail "stop"
result=$(as_user systemctl --user show trustd -p Result --value)
[[ $result == success ]] || fail "stop ended with Result=$result"
say "stop: Result=success"

# --- A trustd that cannot start (a damaged ledger) is restarted, then given up on, saying why.
state="$home/.local/state/trust"
as_user mv "$state" "$state.kept" # the ledger with its -wal and -shm
as_user mkdir -m 0700 "$state"
as_user sh -c "printf 'not a ledger' >'$state/ledger.sqlite'"
as_user sh -c "printf '[Service]\nRestartSec=3s\n' >'$dropin/restart.conf'"
as_user systemctl --user daemon-reload
as_user systemctl --user start trustd 2>/dev/null && fail "trustd started on a damaged ledger"
failed() { [[ $(as_user systemctl --user is-failed trustd) == failed ]]; }
wait_for 60 failed || fail "trustd did not end failed: $(as_user systemctl --user is-active trustd)"
restarts=$(as_user systemctl --user show trustd -p NRestarts --value)
sleep 4 # RestartSec=3s: a manager still retrying would have restarted it again
[[ $(as_user systemctl --user show trustd -p NRestarts --value) == "$restarts" ]] && failed ||
    fail "still retrying after $restarts restarts"
[[ $restarts -ge 4 ]] || fail "gave up after $restarts restarts, not at the start limit"
grep -q "not a trustd ledger\|not a database\|ledger" <(tail -n 3 "$home/trustd.log") || fail "the log does not say why"
as_user rm -r "$state"
as_user mv "$state.kept" "$state"
as_user rm "$dropin/restart.conf"
as_user systemctl --user daemon-reload
as_user systemctl --user reset-failed trustd
say "damaged ledger: $restarts restarts, then failed for good: $(grep -i ledger "$home/trustd.log" | tail -n 1)"

# --- The installed unit, as systemd reads it.
verify=$(as_user systemd-analyze --user verify --man=no "$unit_file" 2>&1) || fail "verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze --user verify: $verify"
exposure=$(as_user systemd-analyze --user security --no-pager trustd.service 2>&1 |
    sed -n 's/.*Overall exposure level for trustd.service: \([0-9.]*\).*/\1/p')
[[ -n "$exposure" ]] || fail "no exposure level: $(as_user systemd-analyze --user security --no-pager trustd.service 2>&1 | tail -3)"
awk -v e="$exposure" 'BEGIN { exit !(e <= 1.0) }' || fail "exposure $exposure > 1.0"
say "ok: verify silent, exposure $exposure"
