#!/usr/bin/env bash
# End-to-end with a real notification server that draws buttons: xfce4-notifyd on Xvfb, on a
# private D-Bus bus (no service activation). The built `trustd --demo` shows its demo check-in;
# the test finds the notification's window (xdotool), finds its buttons in a screenshot (pixel
# scan, Tests/Scripts/lib/find-buttons.py), clicks "Missed" with the pointer (xdotool, XTEST),
# and the answer must be in the ledger (state missed, channel notification). The screenshot is
# kept: its path is printed (TRUSTD_ARTIFACTS=DIR keeps it there). Needs xfce4-notifyd, Xvfb,
# xdotool, x11-utils and ImageMagick (.ci/run installs them); fails without them.
set -euo pipefail
cd "$(dirname "$0")/../.."

name=desktop-xfce
work=$(mktemp -d /tmp/trustd-xfce.XXXXXX)
shots=${TRUSTD_ARTIFACTS:-$(mktemp -d /tmp/trustd-xfce-shots.XXXXXX)}
mkdir -p "$shots"
source Tests/Scripts/lib/desktop-harness.sh

notifyd=/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd
for tool in Xvfb xdotool xwininfo import sqlite3 "$notifyd"; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install xfce4-notifyd xvfb xdotool x11-utils imagemagick sqlite3; .ci/run does)"
done

swift build --product trustd >&2
bin="$(swift build --show-bin-path)/trustd"

start_private_bus
export DBUS_SESSION_BUS_ADDRESS="$address"

start_xvfb 1280x800

# trustd's identity where Scripts/install puts it, so the server shows its icon (image-path=trustd).
mkdir -p "$work/home/.local/share/applications" "$work/home/.local/share/icons/hicolor/scalable/apps"
cp Config/desktop/trustd.desktop "$work/home/.local/share/applications/"
cp Config/desktop/trustd.svg "$work/home/.local/share/icons/hicolor/scalable/apps/"

# xfce4-notifyd with its own (empty) settings; it needs no xfconfd.
HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" "$notifyd" >"$work/notifyd.log" 2>&1 &
pids+=($!)
wait_for 10 gdbus call --session -d org.freedesktop.Notifications -o /org/freedesktop/Notifications \
    -m org.freedesktop.Notifications.GetServerInformation || fail "xfce4-notifyd did not take org.freedesktop.Notifications"

# A plan whose only item is far away: the demo check-in is the only notification.
mkdir -p "$work/home"
cat >"$work/plan.yaml" <<'PLAN'
version: 1
timezone: UTC
commitments:
  - id: yearly
    title: Once a year
    ask: Did you keep the yearly promise?
    at: "*-01-01 03:00"
PLAN
HOME="$work/home" XDG_RUNTIME_DIR="$work/home" "$bin" --plan "$work/plan.yaml" --store "$work/ledger.sqlite" \
    --demo --demo-delay 1 --no-terminal </dev/null >"$work/trustd.log" 2>&1 &
trustd_pid=$!
pids+=($trustd_pid)

window() { xdotool search --onlyvisible --name '^xfce4-notifyd$' | head -1; }
shown() { [[ -n "$(window)" ]]; }
wait_for 30 shown || fail "no notification window appeared"
win=$(window)
sleep 0.5 # let it draw
eval "$(xwininfo -id "$win" | awk '/Absolute upper-left X/ {print "x=" $4} /Absolute upper-left Y/ {print "y=" $4}
    /Width:/ {print "w=" $2} /Height:/ {print "h=" $2}')"
import -window root -crop "${w}x${h}+${x}+${y}" "$shots/xfce-check-in.png" || fail "screenshot failed"
mapfile -t buttons < <(import -window root -crop "${w}x${h}+${x}+${y}" -depth 8 rgb:- \
    | /usr/bin/python3 Tests/Scripts/lib/find-buttons.py "$w" "$h")
[[ ${#buttons[@]} -eq 4 ]] || fail "expected 4 buttons (Kept, Missed, Skip, Snooze), found ${#buttons[@]}: ${buttons[*]}"

# The second button is "Missed": a real pointer click on its centre.
read -r bx by <<<"${buttons[1]}"
xdotool mousemove $((x + bx)) $((y + by)) click 1

row() { sqlite3 "$work/ledger.sqlite" "SELECT item, state, answer_channel FROM occurrence WHERE item = 'demo'"; }
answered() { [[ "$(row)" == "demo|missed|notification" ]]; }
wait_for 15 answered || fail "the ledger has: $(row)"
grep -q "Xfce Notify Daemon" "$work/trustd.log" || fail "trustd did not name the server: $(cat "$work/trustd.log")"
echo "$name: ok (xfce4-notifyd drew 4 buttons, a pointer click on Missed is in the ledger; screenshot $shots/xfce-check-in.png)"
