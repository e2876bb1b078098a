# Sourced by the benchmarks that need a notification server (bench-daemon, bench-notify), from the
# repository's root. The server is the tests' own (Tests/TrustTestSupport/fake-notification-server.py).

# start_notification_server OUT ADDRESS [SERVER ARGS...]: starts the server on the bus at ADDRESS,
# its output in OUT.out, and waits for its READY line. Its standard input is the FIFO OUT.in, held
# open on file descriptor $server_stdin: closing that (or this shell exiting) stops it. Sets
# $server_pid.
start_notification_server() {
    local out=$1 address=$2 i
    shift 2
    mkfifo "$out.in"
    /usr/bin/python3 Tests/TrustTestSupport/fake-notification-server.py --address "$address" "$@" \
        <"$out.in" >"$out.out" 2>&1 &
    server_pid=$!
    exec {server_stdin}>"$out.in"
    for ((i = 0; i < 200; i++)); do
        grep -q '^READY' "$out.out" 2>/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "$(basename "$0"): the notification server did not start:" >&2
    cat "$out.out" >&2
    exit 1
}
