#!/usr/bin/env bash
# End-to-end: the built `trustctl doctor` against a private D-Bus bus with the test
# notification server (Tests/TrustTestSupport/fake-notification-server.py), a plan, a user
# unit and its enablement symlink in a temporary HOME. Checks the JSON and text reports, the
# exit status, --send (the server dismisses the test notification), a server without
# actions, and a missing bus. Fails with a message when dbus-daemon or Debian's
# python3-dbus is missing (never passes by skipping); Scripts/setup installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v dbus-daemon >/dev/null || { echo "desktop-doctor: FAIL: dbus-daemon missing (Scripts/setup)" >&2; exit 1; }
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null \
    || { echo "desktop-doctor: FAIL: /usr/bin/python3 lacks python3-dbus/python3-gi (Scripts/setup)" >&2; exit 1; }

bin="$(swift build --show-bin-path)/trustctl"
[[ -x "$bin" ]] || swift build --product trustctl >&2

name=desktop-doctor
work=$(mktemp -d /tmp/trustd-doctor.XXXXXX)
source Tests/Scripts/lib/desktop-harness.sh
start_private_bus

server() {  # server CAPABILITIES: (re)start the test notification server
    if [[ -n "${server_pid:-}" ]]; then
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        exec 4>&-
    fi
    # Its stdin is a FIFO this script holds open: it exits when the script does.
    rm -f "$work/hold" "$work/server.out"
    mkfifo "$work/hold"
    /usr/bin/python3 Tests/TrustTestSupport/fake-notification-server.py --address "$address" \
        --capabilities "$1" --name fake-server --vendor trustd-tests --version 9.9 "${@:2}" \
        <"$work/hold" >"$work/server.out" 2>"$work/server.log" &
    server_pid=$!
    pids+=($server_pid)
    exec 4>"$work/hold"
    wait_for 10 grep -q '^READY' "$work/server.out" || fail "the test notification server did not start"
}

home="$work/home"
mkdir -p "$home/.config/trust" "$home/.config/systemd/user/default.target.wants" "$home/.local/bin"
cp Config/plan.example.yaml "$home/.config/trust/plan.yaml"
cp /bin/true "$home/.local/bin/trustd"
printf '[Unit]\nDescription=trustd\n[Service]\nType=notify\nExecStart=%%h/.local/bin/trustd\n[Install]\nWantedBy=default.target\n' \
    >"$home/.config/systemd/user/trustd.service"
ln -s ../trustd.service "$home/.config/systemd/user/default.target.wants/trustd.service"

doctor() {
    env -i PATH="$PATH" HOME="$home" "$bin" doctor --bus "$address" "$@"
}
json() {
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c={x["id"]: x for x in d["checks"]}; print(eval(sys.argv[2]))' "$1" "$2"
}

# 1. Everything in place, a full server: exit 0, the facts in JSON.
server "actions,body,body-markup,persistence"
status=0
doctor --json >"$work/ok.json" 2>"$work/doctor.log" || status=$?
[[ $status -eq 0 ]] || fail "doctor exited $status: $(cat "$work/ok.json")"
[[ "$(json "$work/ok.json" 'd["ok"]')" == "True" ]] || fail "ok is not true"
[[ "$(json "$work/ok.json" 'c["session-bus"]["facts"]["address"]')" == "$address" ]] || fail "bus address"
[[ "$(json "$work/ok.json" '(c["notification-server"]["status"], c["notification-server"]["facts"]["name"], c["notification-server"]["facts"]["vendor"], c["notification-server"]["facts"]["version"])')" \
    == "('ok', 'fake-server', 'trustd-tests', '9.9')" ]] || fail "server facts: $(cat "$work/ok.json")"
[[ "$(json "$work/ok.json" '(c["notification-server"]["facts"]["actions"], c["notification-server"]["facts"]["body-markup"], c["notification-server"]["facts"]["persistence"], c["notification-server"]["facts"]["inline-reply"])')" \
    == "(True, True, True, False)" ]] || fail "capability flags"
[[ "$(json "$work/ok.json" '(c["check-in-actions"]["status"], c["check-in-actions"]["facts"]["layout"], c["check-in-actions"]["facts"]["actions"])')" \
    == "('ok', 'four', ['kept', 'missed', 'skipped', 'snooze'])" ]] || fail "action set: $(json "$work/ok.json" 'c["check-in-actions"]')"
[[ "$(json "$work/ok.json" '(c["plan"]["status"], c["plan"]["facts"]["commitments"], c["plan"]["facts"]["boundaries"])')" == "('ok', 3, 2)" ]] \
    || fail "plan check: $(json "$work/ok.json" 'c["plan"]')"
[[ "$(json "$work/ok.json" '(c["unit"]["status"], c["unit"]["facts"]["enabled"])')" == "('ok', True)" ]] || fail "unit check"
[[ "$(json "$work/ok.json" 'c["store"]["status"]')" == "warning" ]] || fail "a missing ledger is a warning"

# 1b. A ledger (generated through TrustStore's write path): readable, 0600 in 0700; looser is a warning.
gen="$(swift build --show-bin-path)/trust-gen-ledger"
[[ -x "$gen" ]] || swift build --product trust-gen-ledger >&2
"$gen" --out "$home/.local/state/trust" --years 1 --items 2 >"$work/gen.log" 2>&1 || fail "trust-gen-ledger failed"
rm -f "$home/.local/state/trust/plan.yaml"
[[ $(stat -c %a "$home/.local/state/trust") == 700 ]] || fail "trust-gen-ledger left its --out $(stat -c %a "$home/.local/state/trust"), not 0700"
doctor --json >"$work/store.json" 2>>"$work/doctor.log" || fail "doctor with a ledger: $(cat "$work/store.json")"
[[ "$(json "$work/store.json" '(c["store"]["status"], c["store"]["facts"]["mode"], c["store"]["facts"]["occurrences"] > 0)')" \
    == "('ok', '0600', True)" ]] || fail "store check: $(json "$work/store.json" 'c["store"]')"
chmod 644 "$home/.local/state/trust/ledger.sqlite"
doctor >"$work/store.txt" 2>>"$work/doctor.log" || fail "a readable-by-others ledger is a warning, not an error"
grep -q "^warning Ledger: .*the file is 0644, not 0600 (others can read intimate data)$" "$work/store.txt" \
    || fail "loose ledger: $(cat "$work/store.txt")"
grep -q "chmod 600 $home/.local/state/trust/ledger.sqlite" "$work/store.txt" || fail "loose ledger remedy"

# 2. --send: the server dismisses the notification; the doctor says so.
doctor --send --json --timeout 10 >"$work/send.json" 2>>"$work/doctor.log" &
doctor_pid=$!
/usr/bin/python3 - "$address" <<'PY' || fail "could not dismiss the test notification"
import json, sys, time
import dbus
bus = dbus.bus.BusConnection(sys.argv[1])
test = dbus.Interface(bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications"), "org.trustd.Test")
deadline = time.time() + 10
while time.time() < deadline:
    calls = [c for c in json.loads(test.Calls()) if c["method"] == "Notify"]
    if calls:
        c = calls[-1]
        assert [a["value"] for a in c["args"][5]["value"]] == ["kept", "Kept", "missed", "Missed", "skipped", "Skip", "snooze", "Snooze 15 min"], c
        assert {k["value"]: v["value"] for k, v in c["args"][6]["value"]}["transient"] == {"type": "b", "value": True}
        test.EmitNotificationClosed(c["result"], 2)
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
PY
wait "$doctor_pid" || true
[[ "$(json "$work/send.json" '(c["test-notification"]["status"], c["test-notification"]["facts"]["closed"])')" \
    == "('warning', 'dismissed by the user')" ]] || fail "--send: $(cat "$work/send.json")"

# 3. A server without action buttons: a warning that says how check-ins will be answered.
server "body"
doctor >"$work/noactions.txt" 2>>"$work/doctor.log" || fail "a server without actions is not an error"
grep -q "^warning Notification server: fake-server 9.9 (trustd-tests), specification 1.3; capabilities: body — no action buttons$" "$work/noactions.txt" \
    || fail "no-actions report: $(cat "$work/noactions.txt")"
grep -q "trustctl answer ITEM kept" "$work/noactions.txt" || fail "no-actions remedy"

# 3b. GNOME Shell (as it names itself): three buttons, the rest behind More…, and why.
server "actions,body,body-markup,persistence" --name gnome-shell --vendor GNOME
doctor >"$work/gnome.txt" 2>>"$work/doctor.log" || fail "doctor failed on GNOME: $(cat "$work/gnome.txt")"
grep -q "Check-in actions: Kept / Missed / More…, then Skip / Snooze 15 min / Back: gnome-shell (GNOME) draws at most three buttons" "$work/gnome.txt" \
    || fail "GNOME action set: $(cat "$work/gnome.txt")"

# 4. Not enabled, and the binary gone: the unit check says what to run.
rm "$home/.config/systemd/user/default.target.wants/trustd.service" "$home/.local/bin/trustd"
status=0
doctor >"$work/unit.txt" 2>>"$work/doctor.log" || status=$?
[[ $status -eq 1 ]] || fail "a disabled unit should fail the doctor (exit $status)"
grep -q "^error   User unit: .*trustd.service is installed, but its ExecStart= binary $home/.local/bin/trustd is missing and it is not enabled" "$work/unit.txt" \
    || fail "unit report: $(cat "$work/unit.txt")"
grep -q "systemctl --user enable --now trustd" "$work/unit.txt" || fail "unit remedy"

# 5. No bus at the address: a clean error naming it, the server check skipped.
status=0
env -i PATH="$PATH" HOME="$home" "$bin" doctor --bus "unix:path=$work/nobus" --json >"$work/nobus.json" 2>>"$work/doctor.log" || status=$?
[[ $status -eq 1 ]] || fail "no bus should fail the doctor"
[[ "$(json "$work/nobus.json" 'c["session-bus"]["status"]')" == "error" ]] || fail "no-bus status"
json "$work/nobus.json" 'c["session-bus"]["summary"]' | grep -q "^Connecting to unix:path=$work/nobus failed: No such file or directory" || fail "no-bus summary"
[[ "$(json "$work/nobus.json" 'c["notification-server"]["status"]')" == "skipped" ]] || fail "server not skipped"

echo "desktop-doctor: ok" >&2
