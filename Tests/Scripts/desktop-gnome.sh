#!/usr/bin/env bash
# End-to-end with the desktop most people run: a real GNOME Shell (headless Wayland, no GPU) on
# private session and system buses. The built `trustd --demo` shows its demo check-in; GNOME
# draws at most three buttons, so trustd sends Kept / Missed / More…. The test hovers the
# banner with a virtual pointer (org.gnome.Mutter.RemoteDesktop), finds its buttons in a
# screenshot (org.gnome.Shell.Screenshot; Tests/Scripts/lib/gnome-drive.py), clicks More…, then
# on the next banner Skip, and the answer must be in the ledger (state skipped, channel
# notification). The screenshots are kept: their paths are printed (TRUSTD_ARTIFACTS=DIR keeps
# them there). Needs
# gnome-shell, gjs, python3-dbus, ImageMagick and sqlite3 (.ci/run installs them); fails without.
set -euo pipefail
cd "$(dirname "$0")/../.."

name=desktop-gnome
work=$(mktemp -d /tmp/trustd-gnome.XXXXXX)
shots=${TRUSTD_ARTIFACTS:-$(mktemp -d /tmp/trustd-gnome-shots.XXXXXX)}
mkdir -p "$shots"
source Tests/Scripts/lib/desktop-harness.sh

helper=/usr/share/dbus-1/services/org.gnome.Shell.Notifications.service
for tool in gnome-shell gjs dbus-daemon convert sqlite3 /usr/bin/python3 "$helper"; do
    command -v "$tool" >/dev/null || [[ -e "$tool" ]] ||
        fail "$tool is missing (apt-get install gnome-shell gjs python3-dbus imagemagick sqlite3; .ci/run does)"
done

swift build --product trustd >&2
bin="$(swift build --show-bin-path)/trustd"

# trustd's identity where Scripts/install puts it (the desktop-entry and image-path hints).
mkdir -p "$work/home/.local/share/applications" "$work/home/.local/share/icons/hicolor/scalable/apps"
cp Config/desktop/trustd.desktop "$work/home/.local/share/applications/"
cp Config/desktop/trustd.svg "$work/home/.local/share/icons/hicolor/scalable/apps/"
# GNOME warns once per user that a session without its display manager has no screen lock (a
# banner, which would queue the check-in's behind it); this file says it was shown.
mkdir -p "$work/home/.local/share/gnome-shell"
touch "$work/home/.local/share/gnome-shell/lock-warning-shown"
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export XDG_SESSION_TYPE=wayland NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory

drive() { /usr/bin/python3 Tests/Scripts/lib/gnome-drive.py "$@"; }
# The colour of one pixel of the screen, "RRGGBB".
pixel() {
    drive screenshot "$work/screen.png" >/dev/null && convert "$work/screen.png" -crop "1x1+$1+$2" -depth 8 txt:- |
        sed -n 's/.*#\([0-9A-F]\{6\}\).*/\1/p'
}
info() {
    gdbus call --session -d org.freedesktop.Notifications -o /org/freedesktop/Notifications \
        -m org.freedesktop.Notifications.GetServerInformation
}
# A banner shows at the top centre: the pixel at (400, 50) is not the overview's background
# there (GNOME 43's default theme; sampled at start it could catch the start-up animation).
background=232323
banner() { [[ "$(pixel 400 50)" != "$background" ]]; }
no_banner() { ! banner; }

# One GNOME session in $work/$1: two private buses and the shell. GNOME Shell starts its
# notification helper (gjs) by bus activation, so the session bus has one service directory
# holding only that helper (no other server's .service can take the name). Without a system bus
# the shell exits at start (it asks logind). Returns 1 (with the reason in $why) when the
# session does not come up ready: on a loaded machine the helper has been seen missing for a
# minute, or GNOME's own banner staying; the caller starts another session then.
start_gnome() {
    local dir="$work/$1" bus
    session_pids=()
    mkdir -p "$dir/services" "$dir/xdg"
    chmod 0700 "$dir/xdg"
    ln -s "$helper" "$dir/services/"
    for bus in session system; do
        cat >"$dir/$bus.conf" <<CONF
<busconfig>
  <type>$bus</type>
  <listen>unix:path=$dir/$bus.socket</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$dir/services</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
        dbus-daemon --nofork --config-file="$dir/$bus.conf" 2>"$work/dbus-$bus-$1.log" &
        session_pids+=($!)
        wait_for 10 test -S "$dir/$bus.socket" || fail "dbus-daemon ($bus) did not start"
    done
    pids+=("${session_pids[@]}")
    export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/session.socket"
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/system.socket"
    export XDG_RUNTIME_DIR="$dir/xdg"
    # In a process group of its own, killed as a whole: a shell that fails at start has been seen
    # leaving a process of it running.
    setsid gnome-shell --headless --virtual-monitor 1280x800 --no-x11 --wayland-display=trustd-test \
        >"$work/gnome-shell-$1.log" 2>&1 &
    session_pids+=($! -$!)
    pids+=($! -$!)
    wait_for 40 info || { why="GNOME Shell's notification helper did not take org.freedesktop.Notifications"; return 1; }
    info | grep -q "'gnome-shell'" || fail "org.freedesktop.Notifications is not GNOME Shell: $(info)"
    # As root GNOME also warns that the session is privileged. Its banners come one at a time
    # and would queue the check-in's behind them: each is closed with its × (top right of the
    # banner), clicked again until it is gone (it may still be sliding in).
    while wait_for 8 banner; do
        for _ in 1 2 3 4; do
            sleep 0.5
            drive click 865 59 || fail "could not click with the virtual pointer"
            wait_for 3 no_banner && break
        done
        no_banner || { cp "$work/screen.png" "$shots/gnome-banner-stays-$1.png"; why="GNOME's own banner did not go ($shots/gnome-banner-stays-$1.png)"; return 1; }
    done
}

for attempt in 1 2 3; do
    start_gnome "session$attempt" && break
    echo "$name: session $attempt: $why; starting another" >&2
    for p in "${session_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    [[ $attempt -lt 3 ]] || fail "$why (three sessions)"
done

# A plan whose only item is far away: the demo check-in is the only notification.
cat >"$work/plan.yaml" <<'PLAN'
version: 1
timezone: UTC
commitments:
  - id: yearly
    title: Once a year
    ask: Did you keep the yearly promise?
    at: "*-01-01 03:00"
PLAN
"$bin" --plan "$work/plan.yaml" --store "$work/ledger.sqlite" --demo --demo-delay 1 --no-terminal </dev/null >"$work/trustd.log" 2>&1 &
pids+=($!)
prompted() { sqlite3 "$work/ledger.sqlite" "SELECT notification_id FROM occurrence WHERE item = 'demo'" | grep -q '[0-9]'; }
wait_for 30 prompted || fail "trustd did not show its demo check-in"
# Buttons show while the pointer is over the banner (urgency normal): hover, look, and click the
# button numbered $1 (from 0, left to right). The banner slides in and unfolds with animations,
# so it is looked at again until three buttons show.
click_button() {
    local shot=$2
    wait_for 20 banner || fail "no banner for the check-in"
    for _ in 1 2 3 4 5; do
        drive hover 640 60 || fail "could not move the virtual pointer"
        drive screenshot "$shots/$shot" >/dev/null || fail "screenshot failed"
        mapfile -t buttons < <(drive buttons "$shots/$shot" 390 890 2>/dev/null)
        [[ ${#buttons[@]} -eq 3 ]] && break
        sleep 0.5
    done
    [[ ${#buttons[@]} -eq 3 ]] || fail "expected 3 buttons, found ${#buttons[@]}: ${buttons[*]} ($shots/$shot)"
    read -r bx by <<<"${buttons[$1]}"
    drive click 640 60 "$bx" "$by" || fail "could not click with the virtual pointer"
}

# Kept / Missed / More…: More… (the third) shows Skip / Snooze / Back as a new banner (GNOME before
# 46 does not show a notification updated in place after a click); Skip is its first button.
click_button 2 gnome-check-in.png
sleep 2 # the clicked banner hides, the new one slides in
click_button 0 gnome-check-in-more.png

row() { sqlite3 "$work/ledger.sqlite" "SELECT item, state, answer_channel FROM occurrence WHERE item = 'demo'"; }
answered() { [[ "$(row)" == "demo|skipped|notification" ]]; }
wait_for 15 answered || fail "the ledger has: $(row)"
grep -q "Notification server: gnome-shell" "$work/trustd.log" || fail "trustd did not name the server: $(cat "$work/trustd.log")"
echo "$name: ok (GNOME Shell drew Kept / Missed / More…, then Skip / Snooze / Back; pointer clicks on More… and Skip are in the ledger; screenshots $shots/gnome-check-in.png, $shots/gnome-check-in-more.png)"
