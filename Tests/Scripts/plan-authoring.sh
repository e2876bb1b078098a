#!/usr/bin/env bash
# End-to-end: a person's first plan with the built trustctl. `init` on a real pseudo-terminal
# (typed answers, a phrase it cannot understand, Ctrl-C, Ctrl-D, no terminal, --force and its
# backup); `add` on that plan (dry run, refusals that leave the file untouched); `edit` with a
# scripted $EDITOR that saves an invalid plan, then a valid one (the plan is replaced once,
# atomically, as inotify sees it); doctor and pending before there is a plan.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin="$(swift build --show-bin-path)/trustctl"
[[ -x "$bin" ]] || swift build --product trustctl >&2
py=/usr/bin/python3
lib=Tests/Scripts/lib

work=$(mktemp -d)
watcher=""
trap '[[ -n "$watcher" ]] && kill "$watcher" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "plan-authoring: FAIL: $*" >&2; exit 1; }

mkdir -p "$work/home" "$work/tmp"
export HOME="$work/home" TZ=Europe/Berlin TMPDIR="$work/tmp" LC_ALL=C.UTF-8
unset XDG_CONFIG_HOME XDG_STATE_HOME STATE_DIRECTORY VISUAL EDITOR
plan="$HOME/.config/trust/plan.yaml"
fingerprint() { echo "$(sha256sum "$1" | cut -c1-64) $(stat -c '%i %Y %a' "$1")"; }

# 0. Before there is a plan, doctor and pending say what to do.
status=0
"$bin" pending >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 0 ]] || fail "pending without a plan: exit $status: $(cat "$work/err")"
grep -qF 'no plan yet: run `trustctl init`' "$work/out" || fail "pending without a plan: $(cat "$work/out")"
status=0
"$bin" doctor --bus unix:path=/nonexistent >"$work/out" 2>"$work/err" || status=$?
grep -qF 'no plan yet: run `trustctl init`' "$work/out" || fail "doctor without a plan: $(cat "$work/out")"
for cmd in add edit; do
    status=0
    if [[ $cmd == add ]]; then
        "$bin" add commitment "Call Sam" --at "weekdays at 7pm" >"$work/out" 2>"$work/err" || status=$?
    else
        EDITOR=true "$bin" edit >"$work/out" 2>"$work/err" || status=$?
    fi
    [[ $status -eq 1 ]] || fail "$cmd without a plan: exit $status"
    grep -qF 'no plan yet: run `trustctl init`' "$work/err" || fail "$cmd without a plan: $(cat "$work/err")"
done

# 1. No terminal: init explains the flags and returns at once, writing nothing.
status=0
timeout 20 "$bin" init </dev/null >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 2 ]] || fail "init without a terminal: exit $status (124 = it hung)"
grep -qF "standard input is not one; nothing was written" "$work/err" || fail "init without a terminal: $(cat "$work/err")"
grep -qF "trustctl init --no-questions" "$work/err" || fail "init without a terminal: no flags explained"
grep -qF 'trustctl add commitment' "$work/err" || fail "init without a terminal: no add example"
[[ ! -e "$plan" ]] || fail "init without a terminal wrote a plan"

# 2. Ctrl-C in the middle of the dialogue: nothing is written.
status=0
$py $lib/pty_drive.py "$work/t-intr" '[
  ["expect", "Who are these promises to\\?.*> "], ["send", "Sam\r"],
  ["expect", "What is one promise you are making\\?.*> "], ["send", "Call Sam when I am away\r"],
  ["expect", "something you will not do\\? \\[do/don.t\\] > "], ["intr"]
]' -- "$bin" init || status=$?
[[ $status -eq 130 ]] || fail "Ctrl-C: expected death by SIGINT (130), got $status: $(cat "$work/t-intr")"
[[ ! -e "$plan" ]] || fail "Ctrl-C wrote a plan"
[[ -z "$(ls -A "$HOME/.config/trust" 2>/dev/null)" ]] || fail "Ctrl-C left files: $(ls -A "$HOME/.config/trust")"

# 3. Ctrl-D (end of input) also stops without writing.
status=0
$py $lib/pty_drive.py "$work/t-eof" '[
  ["expect", "Who are these promises to\\?.*> "], ["eof"], ["expect", "Stopped; nothing was written"]
]' -- "$bin" init || status=$?
[[ $status -eq 1 ]] || fail "Ctrl-D: exit $status: $(cat "$work/t-eof")"
[[ ! -e "$plan" ]] || fail "Ctrl-D wrote a plan"

# 4. The whole dialogue, answered: one commitment, one boundary (after a time it cannot read).
status=0
$py $lib/pty_drive.py "$work/t-init" '[
  ["expect", "Time zone: Europe/Berlin"],
  ["expect", "\\nWho are these promises to\\? \\(a name such as Sam; Enter to leave it out\\) > "], ["send", "Sam\r"],
  ["expect", "What is one promise you are making\\?.*> "], ["send", "Call Sam when I am away\r"],
  ["expect", "\\[do/don.t\\] > "], ["send", "do\r"],
  ["expect", "When should trustd ask about it\\?.*> "], ["send", "weekdays at 7pm\r"],
  ["expect", "that is: Mon\\.\\.Fri 19:00"],
  ["expect", "next check-ins: (Mon|Tue|Wed|Thu|Fri) 20[0-9-]+ 19:00, (Mon|Tue|Wed|Thu|Fri) [0-9-]+ 19:00, (Mon|Tue|Wed|Thu|Fri) [0-9-]+ 19:00"],
  ["expect", "Right\\? \\[Y/n\\] > "], ["send", "\r"],
  ["expect", "How often must you keep it\\?.*> "], ["send", "\r"],
  ["expect", "Another promise\\?.*> "], ["send", "No phone at dinner\r"],
  ["expect", "\\[do/don.t\\] > "], ["send", "don'"'"'t\r"],
  ["expect", "When should trustd ask about it\\?.*> "], ["send", "sometimes\r"],
  ["expect", "cannot understand .sometimes. as a time.*Try, for example: .weekdays at 7pm."],
  ["expect", "When should trustd ask about it\\?.*> "], ["send", "every evening at 9\r"],
  ["expect", "that is: \\*-\\*-\\* 21:00"], ["expect", "Right\\? \\[Y/n\\] > "], ["send", "y\r"],
  ["expect", "Another promise\\?.*> "], ["send", "\r"],
  ["expect", "Wrote .*plan.yaml \\(2 promises\\)"]
]' -- "$bin" init || status=$?
[[ $status -eq 0 ]] || fail "init dialogue: exit $status: $(cat "$work/t-init")"
# The README's quick start shows this dialogue's first prompts as they are.
for line in "Who are these promises to? (a name such as Sam; Enter to leave it out) > Sam" \
    "Is it something you will do, or something you will not do? [do/don't] > do" \
    "When should trustd ask about it? (e.g. weekdays at 7pm, every Sunday 18:00, daily 21:30) > weekdays at 7pm" \
    "  that is: Mon..Fri 19:00   (from \"weekdays at 7pm\")"; do
    grep -qxF "$line" README.md || fail "README does not show: $line"
    tr -d '\r' <"$work/t-init" | grep -qxF "$line" || fail "init does not print: $line"
done
[[ -f "$plan" ]] || fail "init wrote no plan"
[[ $(stat -c %a "$plan") == 600 ]] || fail "plan mode $(stat -c %a "$plan"), expected 600"
[[ $(stat -c %a "$HOME/.config/trust") == 700 ]] || fail "plan directory mode $(stat -c %a "$HOME/.config/trust"), expected 700"
"$bin" check >"$work/out" 2>"$work/err" || fail "the plan init wrote is not valid: $(cat "$work/err")"
grep -qx "$plan: valid: 1 commitment, 1 boundary" "$work/out" || fail "check: $(cat "$work/out")"
# It reads like the example: its comments, then the answers.
for line in "^# trustd plan: the promises you are keeping" "^version: 1$" "^timezone: Europe/Berlin$" \
    "^# Commitments: things you promised to do.$" "^  - id: call-sam-when-i-am-away$" "^    to: Sam$" \
    "^    at: Mon..Fri 19:00  # weekdays at 7pm$" "^  - id: no-phone-at-dinner$" \
    "^    at: '\*-\*-\* 21:00'  # every evening at 9$" "^defaults:$"; do
    grep -q "$line" "$plan" || fail "the plan has no line matching '$line':"$'\n'"$(cat "$plan")"
done

# 5. An existing plan is not replaced without --force; with it, it is kept as a backup.
before=$(fingerprint "$plan")
status=0
$py $lib/pty_drive.py "$work/t-again" '[]' -- "$bin" init || status=$?
[[ $status -eq 1 ]] || fail "init over a plan: exit $status"
grep -qF "a plan already exists at $plan; nothing was written" "$work/t-again" || fail "init over a plan: $(cat "$work/t-again")"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "init without --force touched the plan"
cp "$plan" "$work/first-plan.yaml"
status=0
$py $lib/pty_drive.py "$work/t-force" '[
  ["expect", "What is one promise you are making\\?.*> "], ["send", "\r"],
  ["expect", "Write a plan with none, to add them later\\? \\[y/N\\] > "], ["send", "y\r"],
  ["expect", "Wrote .*no promises yet"]
]' -- "$bin" init --force --to Alex || status=$?
[[ $status -eq 0 ]] || fail "init --force: exit $status: $(cat "$work/t-force")"
backup=$(ls "$plan".bak-* 2>/dev/null | head -1)
[[ -n "$backup" ]] || fail "init --force kept no backup"
cmp -s "$backup" "$work/first-plan.yaml" || fail "the backup differs from the previous plan"
[[ $(stat -c %a "$backup") == 600 ]] || fail "backup mode $(stat -c %a "$backup")"
cp "$work/first-plan.yaml" "$plan"

# 6. add: a dry run prints the lines and writes nothing; then the item is added as text.
before=$(fingerprint "$plan")
"$bin" add commitment "Weekly honest check-in" --at "every Sunday 18:00" --to Sam --dry-run >"$work/out" 2>"$work/err" \
    || fail "add --dry-run: $(cat "$work/err")"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "add --dry-run touched the plan"
grep -qF "Would add to $plan (nothing written):" "$work/out" || fail "add --dry-run: $(cat "$work/out")"
grep -qx "  - id: weekly-honest-check-in" "$work/out" || fail "add --dry-run: no id line: $(cat "$work/out")"
grep -q "next check-ins: Sun [0-9-]* 18:00, Sun" "$work/out" || fail "add --dry-run: no check-ins: $(cat "$work/out")"
cp "$plan" "$work/before-add.yaml"
"$bin" add commitment "Weekly honest check-in" --at "every Sunday 18:00" --to Sam >"$work/out" 2>"$work/err" \
    || fail "add: $(cat "$work/err")"
"$bin" check >"$work/check" 2>&1 || fail "after add: $(cat "$work/check")"
grep -qx "$plan: valid: 2 commitments, 1 boundary" "$work/check" || fail "after add: $(cat "$work/check")"
# Only lines were added: the old plan is the new one minus the inserted lines.
diff "$work/before-add.yaml" "$plan" | grep '^[<]' && fail "add changed existing lines"
[[ $(diff "$work/before-add.yaml" "$plan" | grep -c '^>') -eq 4 ]] || fail "add: unexpected diff: $(diff "$work/before-add.yaml" "$plan")"
# The same title again gets a unique id.
"$bin" add commitment "Weekly honest check-in" --at "Sat 10:00" >"$work/out" 2>&1 || fail "add again: $(cat "$work/out")"
grep -q "^  - id: weekly-honest-check-in-2$" "$plan" || fail "add again: no unique id"

# 7. add refuses, leaving the file untouched: a time it cannot read, a duplicate --id, a plan with errors.
before=$(fingerprint "$plan")
status=0
"$bin" add boundary "No lying" --at "sometimes" >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 2 ]] || fail "add with an unreadable time: exit $status"
grep -qF "cannot understand 'sometimes' as a time" "$work/err" || fail "add unreadable time: $(cat "$work/err")"
grep -qF "'every Sunday 18:00'" "$work/err" || fail "add unreadable time: no examples"
status=0
"$bin" add boundary "No lying" --at "daily 22:00" --id no-phone-at-dinner >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 1 ]] || fail "add with a duplicate id: exit $status"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "a refused add touched the plan"
status=0
"$bin" add commitment "Run" --at "daily 7:00" --target 0/week >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 1 ]] || fail "add making the plan invalid: exit $status"
grep -qF "with the new item the plan would not be valid; nothing was added" "$work/err" || fail "add making the plan invalid: $(cat "$work/err")"
grep -q "^$plan:[0-9]*:[0-9]*: error: " "$work/err" || fail "add making the plan invalid: no file:line:col: $(cat "$work/err")"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "a refused add touched the plan"
sed -i 's/Mon..Fri 19:00/Mon..Fri 19:61/' "$plan"
before=$(fingerprint "$plan")
sleep 1.1
status=0
"$bin" add boundary "No lying" --at "daily 22:00" >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 1 ]] || fail "add to a plan with errors: exit $status"
grep -qF "the plan has errors; nothing was added" "$work/err" || fail "add to a plan with errors: $(cat "$work/err")"
grep -q "^$plan:[0-9]*:[0-9]*: error: invalid calendar expression 'Mon..Fri 19:61'" "$work/err" \
    || fail "add to a plan with errors: no file:line:col: $(cat "$work/err")"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "add to a plan with errors touched it"
sed -i 's/Mon..Fri 19:61/Mon..Fri 19:00/' "$plan"

# 8. edit: the editor saves an invalid plan first (errors shown against the copy; "e" to edit
# again), then a valid one. The plan is replaced once, by a rename, with the valid text.
cp "$plan" "$work/valid.yaml"
echo "  - {id: extra, title: Extra, at: '21:45'}" >>"$work/valid.yaml"
grep -q "^boundaries:" "$work/valid.yaml" || fail "setup: no boundaries section"
cat >"$work/editor" <<EDITOR
#!/bin/sh
n=\$(cat "$work/editor-runs" 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >"$work/editor-runs"
echo "run \$n: \$1 \$(stat -c %a "\$1") \$(stat -c %a "\$(dirname "\$1")")" >>"$work/editor-log"
echo "run \$n: plan \$(sha256sum "$plan" | cut -c1-64) \$(stat -c %i "$plan")" >>"$work/editor-log"
if [ \$n -eq 1 ]; then sed 's/Mon..Fri 19:00/Mon..Fri 25:00/' "\$1" >"\$1.new" && mv "\$1.new" "\$1"; fi
if [ \$n -eq 2 ]; then cat "$work/valid.yaml" >"\$1"; fi
EDITOR
chmod +x "$work/editor"
original=$(sha256sum "$plan" | cut -c1-64)
original_inode=$(stat -c %i "$plan")
$py $lib/watch_file.py "$(dirname "$plan")" plan.yaml "$work/events" >"$work/watch-ready" &
watcher=$!
for _ in $(seq 50); do [[ -s "$work/watch-ready" ]] && break; sleep 0.1; done
[[ -s "$work/watch-ready" ]] || fail "the inotify watcher did not start"
status=0
printf 'e\n' | EDITOR="$work/editor" "$bin" edit >"$work/out" 2>"$work/err" || status=$?
sleep 0.5
kill "$watcher"; wait "$watcher" 2>/dev/null || true; watcher=""
[[ $status -eq 0 ]] || fail "edit: exit $status: $(cat "$work/err")"
[[ $(cat "$work/editor-runs") -eq 2 ]] || fail "edit: the editor ran $(cat "$work/editor-runs") times, expected 2"
grep -q "^$TMPDIR/trustctl-edit-[^/]*/plan.yaml:[0-9]*:[0-9]*: error: invalid calendar expression 'Mon..Fri 25:00'" "$work/err" \
    || fail "edit: errors not shown against the copy: $(cat "$work/err")"
grep -q "^run 1: $TMPDIR/trustctl-edit-[^ ]*/plan.yaml 600 700$" "$work/editor-log" || fail "edit: copy not private: $(cat "$work/editor-log")"
grep -qx "run 2: plan $original $original_inode" "$work/editor-log" \
    || fail "edit: the invalid save touched the plan: $(cat "$work/editor-log")"
cmp -s "$plan" "$work/valid.yaml" || fail "edit: the plan is not the valid version"
[[ $(stat -c %i "$plan") != "$original_inode" ]] || fail "edit: the plan was rewritten in place, not renamed into place"
[[ $(stat -c %a "$plan") == 600 ]] || fail "edit: plan mode $(stat -c %a "$plan")"
[[ "$(cat "$work/events")" == "moved_to" ]] || fail "edit: inotify saw '$(tr '\n' ' ' <"$work/events")', expected one moved_to"
grep -qF "Saved $plan: valid, 3 commitments, 2 boundaries." "$work/out" || fail "edit: $(cat "$work/out")"
[[ -z "$(ls -A "$TMPDIR")" ]] || fail "edit left temporary files: $(ls -A "$TMPDIR")"

# 9. edit, discarding an invalid plan ("d", or end of input): the plan is untouched.
for answer in 'd\n' ''; do
    rm -f "$work/editor-runs"
    before=$(fingerprint "$plan")
    status=0
    printf "$answer" | EDITOR="$work/editor" "$bin" edit >"$work/out" 2>"$work/err" || status=$?
    [[ $status -eq 1 ]] || fail "edit, discard ('$answer'): exit $status"
    grep -qF "discarded; $plan is unchanged" "$work/err" || fail "edit, discard: $(cat "$work/err")"
    [[ "$(fingerprint "$plan")" == "$before" ]] || fail "edit, discard ('$answer'): the plan changed"
done
# An editor that fails leaves the plan as it was.
before=$(fingerprint "$plan")
status=0
EDITOR=false "$bin" edit </dev/null >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 1 ]] && grep -qF "exited with status 1; $plan is unchanged" "$work/err" || fail "edit, failing editor: $(cat "$work/err")"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "edit, failing editor: the plan changed"

# Without a terminal and without $EDITOR, edit explains instead of starting vi with no terminal.
status=0
timeout 20 "$bin" edit </dev/null >"$work/out" 2>"$work/err" || status=$?
[[ $status -eq 2 ]] || fail "edit without a terminal or \$EDITOR: exit $status (124 = it hung)"
grep -qF "no terminal for an editor, and neither \$VISUAL nor \$EDITOR is set; $plan is unchanged" "$work/err" \
    || fail "edit without a terminal: $(cat "$work/err")"
[[ "$(fingerprint "$plan")" == "$before" ]] || fail "edit without a terminal: the plan changed"

# 10. init --no-questions (for scripts) writes a valid plan with no promises.
export HOME="$work/home2"
mkdir -p "$HOME"
"$bin" init --no-questions --timezone America/New_York </dev/null >"$work/out" 2>"$work/err" || fail "init --no-questions: $(cat "$work/err")"
"$bin" check --plan "$HOME/.config/trust/plan.yaml" >"$work/out" 2>&1 || fail "init --no-questions: invalid: $(cat "$work/out")"
grep -q "valid: 0 commitments, 0 boundaries" "$work/out" || fail "init --no-questions: $(cat "$work/out")"
echo "plan-authoring: ok" >&2
