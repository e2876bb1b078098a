# The harness of Tests/Scripts/desktop-*.sh, sourced by them (not a test itself: Scripts/test
# runs only Tests/Scripts/*.sh). Set `name` (for messages) and `work` (a fresh temporary
# directory) before sourcing.
#
#   pids+=(PID)              processes killed on exit (then $work is removed)
#   fail MESSAGE             says "$name: FAIL: MESSAGE", shows the tail of $work/*.log, exits 1
#   wait_for SECONDS CMD...  retries CMD every 0.1 s until it succeeds; status 1 after SECONDS
#   start_private_bus        a dbus-daemon listening on unix:path=$work/bus, its address in
#                            $address; no service directories, so nothing is ever auto-started

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
} 2>/dev/null  # no "Killed" job notices
trap cleanup EXIT

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
    cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
    dbus-daemon --nofork --config-file="$work/bus.conf" --print-address=1 >"$work/address" 2>"$work/dbus.log" &
    pids+=($!)
    wait_for 10 test -s "$work/address" || fail "dbus-daemon did not start"
    address="unix:path=$work/bus"
}
