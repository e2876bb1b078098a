# The harness of Tests/Scripts/desktop-*.sh, sourced by them (not a test itself: Scripts/test
# runs only Tests/Scripts/*.sh). Set `name` (for messages) and `work` (a fresh temporary
# directory) before sourcing.
#
#   pids+=(PID)              processes killed on exit (then $work is removed)
#   fail MESSAGE             says "$name: FAIL: MESSAGE", shows the tail of $work/*.log, exits 1
#   wait_for SECONDS CMD...  retries CMD every 0.1 s until it succeeds; status 1 after SECONDS
#   start_private_bus        a dbus-daemon (Tests/TrustTestSupport/private-bus.conf: no service
#                            directories, so nothing is ever auto-started) listening on
#                            unix:path=$work/bus, its address in $address
#   start_xvfb WxH           a private X server (Xvfb) on a free display; exports DISPLAY

source "${BASH_SOURCE[0]%/*}/cleanup.sh"
clean_up_on_exit "$work"

fail() {
    echo "$name: FAIL: $*" >&2
    for f in "$work"/*.log; do [[ -s "$f" ]] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
    exit 1
}

wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

start_private_bus() {
    dbus-daemon --nofork --config-file=Tests/TrustTestSupport/private-bus.conf --address="unix:path=$work/bus" \
        --print-address=1 >"$work/address" 2>"$work/dbus.log" &
    pids+=($!)
    wait_for 10 test -s "$work/address" || fail "dbus-daemon did not start"
    address="unix:path=$work/bus"
}

start_xvfb() {
    exec 3>"$work/display"
    Xvfb -displayfd 3 -nolisten tcp -screen 0 "$1x24" 2>"$work/xvfb.log" &
    pids+=($!)
    exec 3>&-
    wait_for 10 test -s "$work/display" || fail "Xvfb did not start"
    export DISPLAY=":$(head -1 "$work/display")"
}
