#!/usr/bin/env bash
# The man pages as Scripts/generate-man makes them: trustctl(1) has every subcommand `trustctl
# --help` lists, with each one's options; trustd(1) every option of `trustd --help`; trust-plan(5)
# names every key the plan reader accepts (Sources/TrustPlan/PlanReader.swift); all three render
# with `man -l` without a warning.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "man-pages: FAIL: $*" >&2; exit 1; }
command -v man >/dev/null || fail "man is missing (Scripts/setup installs man-db)"
bin=$(swift build --show-bin-path)
[[ -x $bin/trustctl && -x $bin/trustd ]] || fail "run swift build first"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
Scripts/generate-man "$bin" "$out" >/dev/null 2>&1 || fail "Scripts/generate-man"

render() { MANWIDTH=200 man --warnings -l "$1" 2>"$out/warnings"; [[ ! -s $out/warnings ]] || fail "$1: $(cat "$out/warnings")"; }
ctl=$(render "$out/man1/trustctl.1")
subcommands=$("$bin/trustctl" --help | sed -n '/^SUBCOMMANDS:/,/^$/p' | grep -E '^  [a-z]' | awk '{ print $1 }')
[[ $(wc -l <<<"$subcommands") -ge 10 ]] || fail "trustctl --help lists only: $subcommands"
for sub in $subcommands; do
    grep -Eq "^ {5,}$sub( |$)" <<<"$ctl" || fail "trustctl(1) has no subcommand $sub"
    for opt in $("$bin/trustctl" "$sub" --help | grep -oE '^ +--[a-z-]+' | tr -d ' ' | sort -u); do
        grep -q -- "$opt" <<<"$ctl" || fail "trustctl(1) does not mention $sub's $opt"
    done
done
d=$(render "$out/man1/trustd.1")
for opt in $("$bin/trustd" --help | grep -oE '^ +--[a-z-]+' | tr -d ' ' | sort -u); do
    grep -q -- "$opt" <<<"$d" || fail "trustd(1) does not mention $opt"
done
plan=$(render "$out/man5/trust-plan.5")
keys=$(sed -n '/^private let topLevelKeys = \[/,/^\]/p; /^private let defaultKeys = /p; /^private let commitmentKeys = \[/,/^\]/p' \
    Sources/TrustPlan/PlanReader.swift | grep -oE '"[a-z-]+"' | tr -d '"' | sort -u)
[[ $(wc -l <<<"$keys") -ge 20 ]] || fail "could not read the plan keys from PlanReader.swift: $keys"
for key in $keys; do
    grep -Eq "^ {7}$key( |$)" <<<"$plan" || fail "trust-plan(5) does not describe the key $key"
done
echo "man-pages: ok ($(wc -w <<<"$subcommands") subcommands, $(wc -w <<<"$keys") plan keys)"
