#!/usr/bin/env bash
# Scripts/install and Scripts/uninstall in a throwaway HOME, without a user manager (one that
# runs is Tests/Scripts/daemon-user-manager.sh): files and modes; no plan is made live (the
# example's promises are not the person's) and an existing plan is never touched; a clear message
# (exit 3) when systemctl --user has no manager; the man pages found by `man` through PATH and
# rendered without warnings; the completions found by bash, zsh and fish; the installed unit
# verified by systemd-analyze with the offline exposure README.md states (0.8); the installed
# trustd using the unit's paths; uninstall removing all of it but the plan and the ledger.
# Uses the debug build (--bin-dir); the release build is what daemon-user-manager.sh installs.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "daemon-install: FAIL: $*" >&2; exit 1; }
for t in man zsh fish; do command -v "$t" >/dev/null || fail "$t is missing (Scripts/setup installs it)"; done
[[ -r /usr/share/bash-completion/bash_completion ]] || fail "bash-completion is missing (Scripts/setup installs it)"
swift build --product trustd >/dev/null
swift build --product trustctl >/dev/null
bin_dir=$(swift build --show-bin-path)

home=$(mktemp -d "${TMPDIR:-/tmp}/trustd-install.XXXXXX")
trap '[[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; rm -rf "$home"' EXIT
mkdir -m 0700 "$home/run" # an empty runtime directory: no user manager, on any machine
swift_dir=$(dirname "$(command -v swift)") # Scripts/install generates the man pages with swift build
run() { env -i PATH="$swift_dir:/usr/bin:/bin" HOME="$home" XDG_RUNTIME_DIR="$home/run" "$@"; }

set +e
out=$(run Scripts/install --bin-dir "$bin_dir" 2>&1)
status=$?
set -e
[[ $status == 3 ]] || fail "expected exit 3 without a user manager, got $status: $out"
grep -q "no systemd user manager to start it" <<<"$out" || fail "no clear message: $out"
grep -q "systemctl --user daemon-reload && systemctl --user enable --now trustd" <<<"$out" || fail "no command to run: $out"
grep -q "trustctl init" <<<"$out" || fail "does not point to trustctl init: $out"

mode() { stat -c %a "$1"; }
share="$home/.local/share"
[[ $(mode "$home/.local/bin/trustd") == 755 && $(mode "$home/.local/bin/trustctl") == 755 ]] || fail "binary modes"
[[ $(mode "$home/.config/systemd/user/trustd.service") == 644 ]] || fail "unit mode"
[[ $(mode "$home/.config/trust") == 700 ]] || fail "plan directory mode"
[[ ! -e "$home/.config/trust/plan.yaml" ]] || fail "install made the example plan live"
[[ $(mode "$home/.local/state/trust") == 700 ]] || fail "state directory mode"
for f in man/man1/trustd.1 man/man1/trustctl.1 man/man5/trust-plan.5 bash-completion/completions/trustctl \
    zsh/site-functions/_trustctl fish/vendor_completions.d/trustctl.fish applications/trustd.desktop \
    icons/hicolor/scalable/apps/trustd.svg; do
    [[ $(mode "$share/$f") == 644 ]] || fail "$share/$f is missing or not 0644"
done

# man finds the pages through PATH (~/.local/bin → ~/.local/share/man) and renders them cleanly.
for page in trustd trustctl trust-plan; do
    found=$(run env PATH="$home/.local/bin:/usr/bin:/bin" man -w "$page" 2>&1) || fail "man -w $page: $found"
    [[ $found == "$share/man/"* ]] || fail "man -w $page found $found"
    warnings=$(MANWIDTH=80 man --warnings -l "$found" 2>&1 >/dev/null) || fail "man -l $found failed"
    [[ -z $warnings ]] || fail "man -l $found: $warnings"
done

# The completions, as each shell loads them for this user.
ctl_env=(env -i HOME="$home" PATH="$home/.local/bin:/usr/bin:/bin")
bash_c=$("${ctl_env[@]}" bash -c 'source /usr/share/bash-completion/bash_completion; _completion_loader trustctl; complete -p trustctl' 2>&1) ||
    fail "bash does not load the completion: $bash_c"
zsh_c=$("${ctl_env[@]}" zsh -fc 'fpath=(~/.local/share/zsh/site-functions $fpath); autoload -Uz compinit; compinit -u -D; print -r -- ${_comps[trustctl]}' 2>&1)
[[ $zsh_c == _trustctl ]] || fail "zsh does not find _trustctl: $zsh_c"
fish_c=$("${ctl_env[@]}" fish -c 'complete -C"trustctl "' 2>&1)
for sub in answer check doctor history report; do
    grep -q "^$sub" <<<"$fish_c" || fail "fish does not complete trustctl $sub: $fish_c"
done

# Again, with a plan the person wrote: kept as is.
printf 'version: 1\n# mine\n' >"$home/.config/trust/plan.yaml"
out=$(run Scripts/install --bin-dir "$bin_dir" --no-enable 2>&1) || fail "second install: $out"
grep -q "kept your plan" <<<"$out" || fail "$out"
[[ $(cat "$home/.config/trust/plan.yaml") == $'version: 1\n# mine' ]] || fail "the plan was changed"

# The installed unit, as systemd reads it (exits 0 even on warnings: fail on any output).
verify=$(run systemd-analyze --user verify --man=no "$home/.config/systemd/user/trustd.service" 2>&1) || fail "verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
exposure=$(run systemd-analyze --user security --offline=true --no-pager \
    "$home/.config/systemd/user/trustd.service" 2>&1 | sed -n 's/.*Overall exposure level for trustd.service: \([0-9.]*\).*/\1/p')
[[ -n "$exposure" ]] || fail "no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 0.8) }' || fail "exposure $exposure > 0.8, the figure README.md and docs/daemon.md give"

# The installed trustd with the unit's arguments: the unit's plan and ledger, ledger 0600.
exec_start=$(sed -n 's/^ExecStart=//p' "$home/.config/systemd/user/trustd.service")
read -r -a argv <<<"${exec_start//%h/$home}"
env -i PATH=/usr/bin:/bin HOME="$home" "${argv[@]}" --no-desktop >"$home/trustd.log" 2>&1 &
pid=$!
end=$((SECONDS + 20))
until grep -q "trustd starting" "$home/trustd.log"; do
    ((SECONDS < end)) || fail "trustd did not start: $(cat "$home/trustd.log")"
    sleep 0.2
done
kill -TERM "$pid"
wait "$pid" || fail "trustd exited with $?: $(cat "$home/trustd.log")"
pid=""
grep -q "plan $home/.config/trust/plan.yaml, ledger $home/.local/state/trust/ledger.sqlite" "$home/trustd.log" ||
    fail "unexpected paths: $(head -n 1 "$home/trustd.log")"
[[ $(mode "$home/.local/state/trust/ledger.sqlite") == 600 ]] || fail "ledger mode"

# Uninstall: everything install added is gone; the plan and the ledger stay.
out=$(run Scripts/uninstall 2>&1) || fail "uninstall: $out"
for f in "$home/.local/bin/trustd" "$home/.local/bin/trustctl" "$home/.config/systemd/user/trustd.service" \
    "$share/man/man1/trustctl.1" "$share/man/man1/trustd.1" "$share/man/man5/trust-plan.5" \
    "$share/bash-completion/completions/trustctl" "$share/zsh/site-functions/_trustctl" "$share/fish/vendor_completions.d/trustctl.fish" \
    "$share/applications/trustd.desktop" "$share/icons/hicolor/scalable/apps/trustd.svg"; do
    [[ ! -e $f ]] || fail "uninstall left $f"
done
[[ $(cat "$home/.config/trust/plan.yaml") == $'version: 1\n# mine' ]] || fail "uninstall touched the plan"
[[ -s "$home/.local/state/trust/ledger.sqlite" ]] || fail "uninstall removed the ledger"
grep -q "kept $home/.config/trust" <<<"$out" || fail "uninstall does not say it kept the plan: $out"
echo "daemon-install: ok (exposure $exposure offline)"
