#!/usr/bin/env bash
# `trustctl share` end to end with the built binary (issue 14): the key made once beside the ledger
# (0600), three weekly digests (0600) written with `trustctl share` (its default subcommand), each
# verified with the pinned fingerprint and the previous week — on a "machine" without the ledger —
# and a page edited by hand, a skipped week and another key each refused with the failed check named.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=share-e2e
source Tests/Scripts/lib/store-harness.sh

"$gen" generate --out "$tmp/home" --years 1 --items 3 --end 2026-11-29 --seed 3 >/dev/null
store=$tmp/home/ledger.sqlite
plan=$tmp/home/plan.yaml

"$ctl" share key --store "$store" >"$tmp/key" 2>"$tmp/key.err" || { cat "$tmp/key.err" >&2; fail "share key failed"; }
fingerprint=$(sed -n 's/^fingerprint: //p' "$tmp/key")
[[ $fingerprint =~ ^[0-9a-f]{4}\ [0-9a-f]{4}\ [0-9a-f]{4}\ [0-9a-f]{4}$ ]] || fail "no fingerprint in: $(cat "$tmp/key")"
[[ $(stat -c %a "$tmp/home/share-key.ed25519") == 600 ]] || fail "the key file is not 0600"
"$ctl" share key --store "$store" | grep -q "fingerprint: $fingerprint" || fail "share key made a second key"

mkdir "$tmp/out"
for week in 2026-11-09 2026-11-16 2026-11-23; do
    "$ctl" share --store "$store" --plan "$plan" --week "$week" --out "$tmp/out/$week.html" 2>"$tmp/err" \
        || { cat "$tmp/err" >&2; fail "share --week $week failed"; }
    grep -q "wrote $tmp/out/$week.html: week $week" "$tmp/err" || fail "share did not say what it wrote: $(cat "$tmp/err")"
    [[ $(stat -c %a "$tmp/out/$week.html") == 600 ]] || fail "$week.html is not 0600"
done
grep -q 'a note (kept private)' "$tmp/out/"*.html || fail "no private note in three weeks of a generated ledger"

# The receiver's machine: no ledger, no key, no plan.
mv "$tmp/home" "$tmp/gone"
"$ctl" share verify "$tmp/out/2026-11-23.html" --key "$fingerprint" --previous "$tmp/out/2026-11-16.html" >"$tmp/ok" \
    || fail "a genuine digest does not verify"
grep -q "^verified: " "$tmp/ok" && grep -q "previous:  continues" "$tmp/ok" || fail "unexpected output: $(cat "$tmp/ok")"

refused() { # ARGS... -- EXPECTED
    local expected=${*: -1}
    if "$ctl" share verify "${@:1:$#-1}" >"$tmp/out.txt" 2>"$tmp/err.txt"; then fail "accepted: ${*:1:$#-1}"; fi
    grep -qF "$expected" "$tmp/err.txt" || fail "expected '$expected', got: $(cat "$tmp/err.txt")"
    echo "$name: refused: $(sed 's/.*NOT VERIFIED: //' "$tmp/err.txt" | head -c 100)…"
}
sed 's/<span class="state missed">missed<\/span>/<span class="state kept">kept<\/span>/' "$tmp/out/2026-11-23.html" >"$tmp/edited.html"
cmp -s "$tmp/edited.html" "$tmp/out/2026-11-23.html" && fail "the week has no missed check-in to edit"
refused "$tmp/edited.html" "page check failed"
refused "$tmp/out/2026-11-23.html" --previous "$tmp/out/2026-11-09.html" "a week was skipped"
refused "$tmp/out/2026-11-23.html" --key "0000 0000 0000 0000" "key check failed"
echo "$name: ok (three weeks verified without the ledger; edits, a skipped week and another key refused)"
