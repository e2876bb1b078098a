# Sourced by the harnesses beside it: on exit, every process in $pids is killed (SIGKILL) and
# reaped, then the directory given to `clean_up_on_exit` is removed.
#
#   clean_up_on_exit DIR    arms the EXIT trap for DIR
#   pids+=(PID)             a process to kill on exit

pids=()

clean_up_on_exit() {
    cleanup_dir=$1
    trap cleanup EXIT
}

cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$cleanup_dir"
} 2>/dev/null # no "Killed" job notices
