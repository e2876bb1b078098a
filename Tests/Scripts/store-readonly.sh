#!/usr/bin/env bash
# Refused writes (issue 4): a read-only ledger file, a read-only directory, a file system mounted
# read-only and a full disk. In each case `trustctl answer` must fail with exit status 1, say why
# and that nothing was recorded; the ledger stays intact and readers keep working.
# As root, the permission cases run as the unprivileged user nobody (root ignores file modes), and
# the file-system cases use a private mount namespace with a small tmpfs (`unshare -m`; not as
# root, `unshare -rm` in a user namespace). Where neither can be made, those two cases are skipped
# with a SKIP line on stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=store-readonly
# Inside the mount namespace (see the end of the first part), the directory made outside it.
[[ ${1:-} != --inside ]] || tmp=$STORE_RO_TMP
source Tests/Scripts/lib/store-harness.sh
trap 'umount "$tmp/mnt" 2>/dev/null || true; cleanup' EXIT

if [[ ${1:-} != --inside ]]; then
    chmod 0755 "$tmp"
    export STORE_RO_TMP=$tmp
    as_user=()
    if [[ $(id -u) == 0 ]]; then
        # nobody may not be able to reach the build directory (a clone under /root): copy the binaries.
        mkdir -m 0755 "$tmp/bin"
        cp "$gen" "$ctl" "$tmp/bin/"
        chmod 0755 "$tmp/bin/"*
        gen=$tmp/bin/trust-gen-ledger
        ctl=$tmp/bin/trustctl
        chown nobody:nogroup "$tmp"
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    run() { "${as_user[@]}" "$@"; }

    # 1. The ledger file is read-only.
    run mkdir -m 0700 "$tmp/a"
    run "$gen" stress --store "$tmp/a/ledger.sqlite" --item evening-call --count 2 --open --quiet
    chmod 0400 "$tmp/a/ledger.sqlite"
    if run "$ctl" answer evening-call kept --store "$tmp/a/ledger.sqlite" >"$tmp/out" 2>&1; then fail "answer accepted on a read-only file"; fi
    grep -q "the file is not writable (mode 0400" "$tmp/out" || fail "unexpected: $(cat "$tmp/out")"
    grep -q "nothing was recorded" "$tmp/out" || fail "does not say nothing was recorded: $(cat "$tmp/out")"
    echo "store-readonly: read-only file: $(cat "$tmp/out")"
    chmod 0600 "$tmp/a/ledger.sqlite"
    rm -f "$tmp/a/ledger.sqlite-shm" "$tmp/a/ledger.sqlite-wal"

    # 2. Its directory is read-only (SQLite must create the -wal file there).
    chmod 0500 "$tmp/a"
    if run "$ctl" answer evening-call kept --store "$tmp/a/ledger.sqlite" >"$tmp/out" 2>&1; then fail "answer accepted in a read-only directory"; fi
    grep -q "its directory $tmp/a is not writable" "$tmp/out" || fail "unexpected: $(cat "$tmp/out")"
    echo "store-readonly: read-only directory: $(cat "$tmp/out")"
    run "$ctl" pending --store "$tmp/a/ledger.sqlite" >/dev/null || fail "readers fail in a read-only directory"
    run "$ctl" verify --store "$tmp/a/ledger.sqlite" >/dev/null || fail "verify fails in a read-only directory"
    chmod 0700 "$tmp/a"
    run "$ctl" answer evening-call kept --store "$tmp/a/ledger.sqlite" >/dev/null || fail "answer fails once writable again"
    [[ $(run "$ctl" pending --store "$tmp/a/ledger.sqlite" --json | grep -c '"id"') == 1 ]] || fail "wrong number recorded"

    # 3 and 4 need a mount namespace: root's own, or (not root) one in a user namespace.
    if unshare -m true 2>/dev/null; then
        exec unshare -m "$0" --inside
    elif unshare -rm true 2>/dev/null; then
        exec unshare -rm "$0" --inside
    fi
    echo "store-readonly: SKIP: the read-only file system and full disk cases did not run: cannot create a mount namespace here (unshare -m, unshare -rm)" >&2
    exit 0
fi

mkdir "$tmp/mnt"
mount -t tmpfs -o size=512k,mode=0700 tmpfs "$tmp/mnt"
store=$tmp/mnt/ledger.sqlite
"$gen" stress --store "$store" --item evening-call --count 3 --open --quiet

# 3. A full disk.
dd if=/dev/zero of="$tmp/mnt/filler" bs=4k 2>/dev/null || true
note=$(head -c 20000 /dev/zero | tr '\0' 'n')
if "$ctl" answer evening-call kept --note "$note" --store "$store" >"$tmp/out" 2>&1; then fail "answer accepted on a full disk"; fi
grep -q "the disk is full" "$tmp/out" || fail "unexpected: $(cat "$tmp/out")"
echo "store-readonly: full disk: $(cat "$tmp/out")"
rm "$tmp/mnt/filler"
"$ctl" verify --store "$store" >/dev/null || fail "the ledger is damaged after a full disk"
[[ $("$ctl" pending --store "$store" --json | grep -c '"id"') == 3 ]] || fail "something was recorded on a full disk"
"$ctl" answer evening-call kept --note "after freeing space" --store "$store" >/dev/null || fail "answer fails after freeing space"

# 4. The file system is mounted read-only.
mount -t tmpfs -o remount,ro,size=512k,mode=0700 tmpfs "$tmp/mnt"
if "$ctl" answer evening-call missed --store "$store" >"$tmp/out" 2>&1; then fail "answer accepted on a read-only file system"; fi
grep -q "mounted read-only" "$tmp/out" || fail "unexpected: $(cat "$tmp/out")"
echo "store-readonly: read-only file system: $(cat "$tmp/out")"
"$ctl" pending --store "$store" >/dev/null || fail "readers fail on a read-only file system"
"$ctl" verify --store "$store" >/dev/null || fail "verify fails on a read-only file system"
[[ $("$ctl" pending --store "$store" --json | grep -c '"id"') == 2 ]] || fail "wrong number recorded"
umount "$tmp/mnt"
echo "store-readonly: every refused write said why, recorded nothing and left the ledger intact"
