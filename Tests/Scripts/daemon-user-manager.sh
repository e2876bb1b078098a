#!/usr/bin/env bash
# trustd as installed by Scripts/install, under a real `systemd --user` with its own session bus,
# for root and for a non-root account (Tests/Scripts/lib/user-manager-scenario.sh lists every
# step: check-in on the bus, button answer in the ledger, reloads, a bad plan, the watchdog, stop,
# verify, exposure ≤ 1.0).
# Root runs on /run as this machine has it (not a mount point: the unit's BindReadOnlyPaths= keep
# the bus and NOTIFY_SOCKET visible); the non-root account on a /run that is a mount point, as on
# a desktop.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=daemon-user-manager
# Not under /tmp or /var/tmp: the unit has PrivateTmp=yes; homes are under /home.
work=$(mktemp -d /home/trustd-um.XXXXXX)
trap 'rm -rf "$work"' EXIT
source Tests/Scripts/lib/release-build.sh
source Tests/Scripts/lib/user-manager.sh
stage_user_manager
run_user_manager root install plain
run_user_manager "$test_user" install bind
echo "$name: ok (root on a plain /run, $test_user on a /run mount point)"
