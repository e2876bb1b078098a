# The measuring half of Benchmarks/bench-startup (not run by hand): as root, inside
# `unshare -m --propagation private`, from the repository root:
#
#   bash Benchmarks/lib/startup-in-manager.sh WORK RUNS
#     WORK  staged as Tests/Scripts/lib/user-manager.sh's stage_user_manager stages it
#     RUNS  starts measured per configuration
#
# Brings up root's real `systemd --user` (Tests/Scripts/lib/user-manager-up.sh), installs trustd
# with Scripts/install, and times `systemctl --user start trustd` (the whole client command, wall
# clock) and exec → READY=1 (the manager's ExecMainStartTimestampMonotonic →
# ActiveEnterTimestampMonotonic) RUNS times, stopping it between runs: first with the tests'
# notification server on the manager's session bus, then on that bus without a server, then with
# no session bus at all (dbus.socket stopped). Prints one `FIGURE name value unit` line per median (see Benchmarks/check-regressions).
set -euo pipefail
work=$1 runs=$2
user=root run_mode=plain name=bench-startup
fail() {
    say "FAIL: $*"
    as_user systemctl --user --no-pager status trustd >&2 2>&1 || true
    [[ -s "$home/trustd.log" ]] && tail -n 20 "$home/trustd.log" >&2
    exit 1
}
source Tests/Scripts/lib/user-manager-up.sh

out=$(as_user "$work/src/Scripts/install" --no-enable --bin-dir "$work/bin" --man-dir "$work/man" 2>&1) || fail "Scripts/install: $out"
dropin="$home/.config/systemd/user/trustd.service.d"
as_user mkdir -p "$dropin"
as_user sh -c "printf '[Service]\nStandardOutput=append:%%h/trustd.log\nStandardError=inherit\n' >'$dropin/bench.conf'"
# A plan with a daily check-in an hour ago: nothing due at start.
as_user mkdir -p "$home/.config/trust"
as_user sh -c "umask 077; printf 'version: 1\ntimezone: UTC\ncommitments:\n  - id: call-sam\n    title: Call Sam\n    at: \"%s\"\n' '$(date -u -d '-1 hour' +%H:%M)' >'$home/.config/trust/plan.yaml'"
as_user systemctl --user daemon-reload

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
show() { as_user systemctl --user show trustd -p "$1" --value; }

measure() { # measure LABEL: RUNS starts and stops; prints the medians
    local label=$1 i t0 t1 wall=() ready=()
    # One start that is not counted: the first start creates the ledger and checks its pages.
    as_user systemctl --user start trustd || fail "start ($label)"
    as_user systemctl --user stop trustd
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        as_user systemctl --user start trustd || fail "start ($label, run $i)"
        t1=$(date +%s%N)
        [[ $(as_user systemctl --user is-active trustd) == active ]] || fail "not active ($label)"
        wall+=($(((t1 - t0) / 1000)))
        ready+=($(($(show ActiveEnterTimestampMonotonic) - $(show ExecMainStartTimestampMonotonic))))
        as_user systemctl --user stop trustd
    done
    local w r
    w=$(printf '%s\n' "${wall[@]}" | median)
    r=$(printf '%s\n' "${ready[@]}" | median)
    say "$label: systemctl --user start trustd median $(awk -v u="$w" 'BEGIN { printf "%.1f", u / 1000 }') ms (min $(printf '%s\n' "${wall[@]}" | sort -n | head -1 | awk '{ printf "%.1f", $1 / 1000 }'), max $(printf '%s\n' "${wall[@]}" | sort -n | tail -1 | awk '{ printf "%.1f", $1 / 1000 }')); exec → READY=1 median $(awk -v u="$r" 'BEGIN { printf "%.1f", u / 1000 }') ms; $runs runs"
    echo "FIGURE startup-$label-start $(awk -v u="$w" 'BEGIN { printf "%.1f", u / 1000 }') ms"
    echo "FIGURE startup-$label-ready $(awk -v u="$r" 'BEGIN { printf "%.1f", u / 1000 }') ms"
}

# --- With a notification server on the session bus.
mkfifo "$work/hold"
as_user /usr/bin/python3 "$work/src/fake-notification-server.py" --address "unix:path=$rt/bus" \
    <"$work/hold" >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
exec 4>"$work/hold"
wait_for 30 grep -q '^READY' "$work/server.out" || fail "the notification server did not start on $rt/bus"
measure server
grep -q "Notification server: " "$home/trustd.log" || fail "trustd never found the notification server"

# --- A session bus without a notification server (the bus may try to activate one: dunst and
# xfce4-notifyd are installed here and fail without a display).
exec 4>&-
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
measure bus-no-server

# --- No session bus at all.
as_user systemctl --user stop dbus.socket dbus.service
rm -f "$rt/bus"  # the socket's file outlives the stopped unit (no RemoveOnStop=)
[[ ! -e "$rt/bus" ]] || fail "$rt/bus is still there"
measure no-bus
grep -q "No session bus" "$home/trustd.log" || fail "trustd did not say it has no session bus"
