# Sourced by the tests that run trustd under a real systemd user manager (not a test itself).
# Needs root (namespaces, cgroups, a test account). Set `name` and `work` (a fresh directory)
# before sourcing, and source lib/release-build.sh first.
#
#   test_user               a non-root account for the tests (trustd-test, created when missing)
#   stage_user_manager      fills $work with what Tests/Scripts/lib/user-manager-scenario.sh needs
#                           (src/, bin/ = the release build, man/), readable by test_user
#   run_user_manager USER MODE RUN   the scenario in a private mount namespace; fails the test
[[ $(id -u) -eq 0 ]] || { echo "$name: FAIL: needs root (a private mount namespace, cgroups, a test account)" >&2; exit 1; }
for t in unshare setpriv systemd systemctl systemd-analyze dbus-daemon; do
    command -v "$t" >/dev/null || { echo "$name: FAIL: $t is missing (Scripts/setup installs it)" >&2; exit 1; }
done
[[ -e /usr/lib/systemd/user/dbus.socket ]] ||
    { echo "$name: FAIL: no dbus.socket for the user manager (Scripts/setup installs dbus-user-session)" >&2; exit 1; }

test_user=trustd-test
id "$test_user" >/dev/null 2>&1 ||
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$test_user"

stage_user_manager() {
    chmod 0755 "$work"
    mkdir -p "$work/src/Scripts" "$work/bin"
    cp Scripts/install "$work/src/Scripts/"
    cp -r systemd "$work/src/"
    mkdir -p "$work/src/Config"
    cp -r Config/desktop "$work/src/Config/"   # the app identity Scripts/install puts in ~/.local/share
    cp Tests/TrustTestSupport/fake-notification-server.py "$work/src/"
    cp "$release_bin/trustd" "$release_bin/trustctl" "$work/bin/"
    Scripts/generate-man "$release_bin" "$work/man" >/dev/null 2>&1 || { echo "$name: FAIL: Scripts/generate-man" >&2; exit 1; }
    chmod -R a+rX "$work"
}

run_user_manager() {
    unshare -m --propagation private bash Tests/Scripts/lib/user-manager-scenario.sh "$1" "$2" "$3" "$work" ||
        { echo "$name: FAIL: the user-manager run for $1 ($2, /run $3) failed (above)" >&2; exit 1; }
}
