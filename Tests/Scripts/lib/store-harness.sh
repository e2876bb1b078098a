# The preamble of Tests/Scripts/store-*.sh and report-e2e.sh, sourced by them (not a test itself:
# Scripts/test runs only Tests/Scripts/*.sh). Run from the repository root; set `name` (for
# messages) before sourcing, and `tmp` too to reuse a directory instead of making one.
#
#   $gen, $ctl      the built trust-gen-ledger and trustctl; a missing one fails the test (run
#                   swift build first, as Scripts/test does)
#   $tmp            a fresh /tmp/trust-$name.XXXXXX, removed on exit
#   pids+=(PID)     processes killed (SIGKILL) on exit, before $tmp is removed
#   fail MESSAGE    says "$name: MESSAGE" on stderr, exits 1
#   need TOOL...    fails unless each TOOL is installed (Scripts/setup installs them)

fail() {
    echo "$name: $*" >&2
    exit 1
}

need() {
    local t
    for t; do command -v "$t" >/dev/null || fail "$t is missing (Scripts/setup installs it)"; done
}

bin=$(swift build --show-bin-path)
gen=$bin/trust-gen-ledger
ctl=$bin/trustctl
for b in "$gen" "$ctl"; do
    [[ -x $b ]] || fail "$b is missing; run swift build first"
done

tmp=${tmp:-$(mktemp -d "/tmp/trust-$name.XXXXXX")}
source "${BASH_SOURCE[0]%/*}/cleanup.sh"
clean_up_on_exit "$tmp"
