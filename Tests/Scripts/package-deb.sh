#!/usr/bin/env bash
# The Debian package from Scripts/package-deb: lintian finds no error or warning; its files are
# where Debian's tools look (dpkg-deb -c); `apt-get install ./….deb` installs it and `man` renders
# its pages; the packaged unit passes the whole user-manager run (Tests/Scripts/lib/user-manager-scenario.sh)
# for a non-root account on this machine's /run (not a mount point), starting with no
# ~/.config/trust at all; `apt-get remove` removes every file and leaves the user's plan and ledger.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=package-deb
work=$(mktemp -d /home/trustd-deb.XXXXXX) # not under /tmp: the unit has PrivateTmp=yes
installed=0
cleanup() {
    if ((installed)); then DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq trustd >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$name: FAIL: $*" >&2; exit 1; }
for t in dpkg-deb dpkg-shlibdeps lintian apt-get man; do command -v "$t" >/dev/null || fail "$t is missing (Scripts/setup installs it)"; done
source Tests/Scripts/lib/release-build.sh
source Tests/Scripts/lib/user-manager.sh
stage_user_manager
! dpkg-query -W -f='${Status}' trustd 2>/dev/null | grep -q "ok installed" ||
    fail "a trustd package is installed already; remove it first (apt-get remove trustd)"

deb=$(Scripts/package-deb --bin-dir "$release_bin" --man-dir "$work/man" --out "$work/deb" 2>"$work/package.log") ||
    fail "Scripts/package-deb: $(tail -5 "$work/package.log")"
status=0
lint=$(lintian --fail-on error,warning "$deb" 2>&1) || status=$?
lint=$(grep -v "running with root privileges" <<<"$lint" || true)
[[ $status -eq 0 && -z $lint ]] || fail "lintian (exit $status): $lint"

# libsystemd is opened when first used, not linked: the package still depends on it.
depends=$(dpkg-deb -f "$deb" Depends)
grep -q "libsystemd0 (>= 239)" <<<"$depends" || fail "Depends has no libsystemd0: $depends"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/trustd ./usr/bin/trustctl ./usr/lib/systemd/user/trustd.service \
    ./usr/share/man/man1/trustd.1.gz ./usr/share/man/man1/trustctl.1.gz ./usr/share/man/man5/trust-plan.5.gz \
    ./usr/share/bash-completion/completions/trustctl ./usr/share/zsh/vendor-completions/_trustctl \
    ./usr/share/fish/vendor_completions.d/trustctl.fish ./usr/share/doc/trustd/plan.example.yaml \
    ./usr/share/applications/trustd.desktop ./usr/share/icons/hicolor/scalable/apps/trustd.svg \
    ./usr/share/doc/trustd/copyright; do
    grep -qx "$f" <<<"$contents" || fail "the package has no $f"
done

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(realpath "$deb")" >"$work/apt.log" 2>&1 || fail "apt-get install: $(tail -5 "$work/apt.log")"
installed=1
[[ $(dpkg-query -W -f='${Status}' trustd) == "install ok installed" ]] || fail "not installed"
/usr/bin/trustctl --version >/dev/null || fail "the installed trustctl does not run"
for page in trustd trustctl trust-plan; do
    found=$(man -w "$page") || fail "man -w $page"
    [[ $found == /usr/share/man/* ]] || fail "man -w $page found $found"
    warnings=$(MANWIDTH=80 man --warnings "$page" 2>&1 >/dev/null) || fail "man $page failed"
    [[ -z $warnings ]] || fail "man $page: $warnings"
done
cmp -s Config/plan.example.yaml /usr/share/doc/trustd/plan.example.yaml || fail "the example plan differs"

run_user_manager "$test_user" package plain

DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq trustd >"$work/apt.log" 2>&1 || fail "apt-get remove: $(tail -5 "$work/apt.log")"
installed=0
for f in $contents; do
    f=${f#.}
    [[ -d $f || ! -e $f ]] || fail "apt-get remove left $f"
done
home="$work/home-$test_user"
[[ -s "$home/.local/state/trust/ledger.sqlite" && -s "$home/.config/trust/plan.yaml" ]] ||
    fail "the user's plan or ledger is gone after apt-get remove"
echo "$name: ok ($(basename "$deb"), lintian clean, installed, run by $test_user's manager, removed)"
