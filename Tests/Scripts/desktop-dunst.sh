#!/usr/bin/env bash
# End-to-end with a real notification server: dunst on Xvfb, on a private D-Bus bus (no
# service activation). The built `trustctl doctor --send` sends a check-in through trustd's
# own sd-bus client; a scripted dmenu picks "Kept" from dunst's context menu (`dunstctl
# context`), and the doctor must report the action `kept`. A second check-in is dismissed
# (`dunstctl close`) and must be reported as dismissed. A screenshot of the first one is kept:
# its path is printed. Fails with a message when dunst, Xvfb or ImageMagick is missing (a test
# never passes by skipping); Scripts/setup installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in Xvfb dunst dunstctl dbus-daemon import; do
    if ! command -v "$tool" >/dev/null; then
        echo "desktop-dunst: FAIL: $tool is not installed (Scripts/setup installs dunst xvfb imagemagick dbus)" >&2
        exit 1
    fi
done

bin="$(swift build --show-bin-path)/trustctl"
[[ -x "$bin" ]] || swift build --product trustctl >&2

name=desktop-dunst
work=$(mktemp -d /tmp/trustd-dunst.XXXXXX)
shots=$(mktemp -d /tmp/trustd-dunst-shots.XXXXXX)
source Tests/Scripts/lib/desktop-harness.sh
start_private_bus
export DBUS_SESSION_BUS_ADDRESS="$address"

start_xvfb 1024x768

# dunst, with a dmenu that picks the "Kept" entry of the context menu.
cat >"$work/pick-kept" <<'PICK'
#!/bin/sh
tee -a "$(dirname "$0")/dmenu-input.log" | grep -m1 'Kept'
PICK
chmod +x "$work/pick-kept"
cat >"$work/dunstrc" <<RC
[global]
    font = "DejaVu Sans 12"
    width = 480
    origin = top-right
    offset = 20x20
    markup = full
    format = "<b>%s</b>\n%b"
    dmenu = $work/pick-kept
    browser = /bin/true
    show_indicators = yes
[urgency_normal]
    timeout = 0
    background = "#1e2430"
    foreground = "#f0f0f0"
RC
dunst -config "$work/dunstrc" >"$work/dunst.log" 2>&1 &
pids+=($!)
wait_for 10 dunstctl count || fail "dunst did not take org.freedesktop.Notifications"

doctor() {  # doctor OUTPUT: trustctl doctor --send in the background, JSON to OUTPUT
    HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_STATE_HOME="$work/home/.state" \
        "$bin" doctor --send --json --timeout 20 --bus "$DBUS_SESSION_BUS_ADDRESS" >"$1" 2>"$work/doctor.log" &
    doctor_pid=$!
}
displayed() { [[ "$(dunstctl count displayed)" == "$1" ]]; }
json() {  # json FILE EXPR: evaluate a Python expression over the parsed JSON `d`
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c={x["id"]: x for x in d["checks"]}; print(eval(sys.argv[2]))' "$1" "$2"
}

# 1. A check-in answered "Kept" from dunst's context menu.
doctor "$work/kept.json"
wait_for 15 displayed 1 || fail "the test check-in was not displayed (dunstctl count displayed: $(dunstctl count displayed))"
sleep 0.5  # let dunst draw before the screenshot
import -window root "$shots/dunst-check-in.png" || fail "screenshot failed"
dunstctl context
wait "$doctor_pid" || true
[[ "$(json "$work/kept.json" 'c["notification-server"]["facts"]["name"]')" == "dunst" ]] \
    || fail "doctor did not see dunst: $(cat "$work/kept.json")"
[[ "$(json "$work/kept.json" 'c["notification-server"]["facts"]["actions"]')" == "True" ]] \
    || fail "dunst should advertise actions: $(cat "$work/kept.json")"
[[ "$(json "$work/kept.json" 'c["test-notification"]["facts"].get("action")')" == "kept" ]] \
    || fail "the picked action did not arrive as 'kept': $(cat "$work/kept.json")"
[[ "$(json "$work/kept.json" 'c["test-notification"]["status"]')" == "ok" ]] || fail "test notification not ok"
grep -q "Kept" "$work/dmenu-input.log" || fail "dunst's context menu did not list Kept"
for label in Missed Skip Snooze; do
    grep -q "$label" "$work/dmenu-input.log" || fail "dunst's context menu did not list $label"
done
wait_for 15 displayed 0 || fail "the answered check-in was not withdrawn"

# 2. A check-in dismissed without an answer.
doctor "$work/closed.json"
wait_for 15 displayed 1 || fail "the second check-in was not displayed"
dunstctl close
wait "$doctor_pid" || true
[[ "$(json "$work/closed.json" 'c["test-notification"]["facts"].get("closed")')" == "dismissed by the user" ]] \
    || fail "the dismissal was not reported: $(cat "$work/closed.json")"

echo "desktop-dunst: ok (dunst $(dunst --version | grep -o '[0-9][0-9.]*' | head -1)); screenshot: $shots/dunst-check-in.png" >&2
