# Sourced (not run) inside `unshare -m --propagation private`, as root, from the repository root:
# brings up a real `systemd --user` for `user` with its own session bus (dbus.socket) on a private
# /run, the way PID 1 would (see ../shared/notes/feasibility.md), and stops it and its cgroups on
# exit. Used by Tests/Scripts/lib/user-manager-scenario.sh and Benchmarks/bench-startup.
#
# Set before sourcing: user, run_mode (bind: make /run a mount point first, as on a desktop;
# plain: leave it as it is here), work (a directory readable by user), name (for messages), and a
# `fail MESSAGE` function. Provides: uid gid home rt manager_pid, as_user CMD..., wait_for SECONDS
# CMD..., say MESSAGE; `cleanup` runs on EXIT (add to `extra_cleanup` for more).
uid=$(id -u "$user")
gid=$(id -g "$user")
home="$work/home-$user"
rt="/run/user/$uid"
unit_name=trustd.service
manager_pid="" server_pid=""
cg_dirs=()

say() { echo "$name: $*" >&2; }
extra_cleanup=()

as_user() {
    local e=(env -i HOME="$home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="$rt"
        DBUS_SESSION_BUS_ADDRESS="unix:path=$rt/bus" PATH="$home/.local/bin:/usr/bin:/bin" LANG=C.UTF-8)
    if ((uid == 0)); then "${e[@]}" "$@"; else setpriv --reuid="$uid" --regid="$gid" --init-groups "${e[@]}" "$@"; fi
}

wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

cleanup() {
    set +e
    for c in "${extra_cleanup[@]}"; do eval "$c"; done
    if [[ -n "$manager_pid" ]]; then
        as_user systemctl --user exit >/dev/null 2>&1 || kill -TERM "$manager_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$manager_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$manager_pid" 2>/dev/null
        wait "$manager_pid" 2>/dev/null
    fi
    [[ -n "$server_pid" ]] && { kill -KILL "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
    # Whatever the manager left in its cgroups (it kills its units on exit), then the cgroups.
    for d in "${cg_dirs[@]}"; do
        [[ -d "$d" ]] || continue
        for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        sleep 0.2
        find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    for d in "${cg_dirs[@]}"; do
        d=${d%/user@*}; rmdir "$d" 2>/dev/null; rmdir "${d%/user-*}" 2>/dev/null
    done
} 2>/dev/null
trap cleanup EXIT

# --- What PID 1 would have made (all in this mount namespace).
if [[ $run_mode == bind ]]; then mount --rbind /run /run; fi
mount -t tmpfs -o mode=0755 tmpfs /run/systemd
mkdir -p /run/systemd/system /run/systemd/inaccessible
# PID 1 makes this mount point for the namespaces of units; a non-root manager cannot.
mkdir -m 0400 /run/systemd/unit-root
(
    cd /run/systemd/inaccessible
    touch reg && mkdir dir && mkfifo fifo && mknod chr c 0 0 && mknod blk b 0 0
    /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock")'
    chmod 0000 reg dir fifo sock chr blk
)
mount -t tmpfs -o mode=0755 tmpfs /run/user
mkdir -m 0700 "$rt"
mount -t tmpfs -o "mode=0700,uid=$uid,gid=$gid" tmpfs "$rt"

mkdir -m 0700 "$home"
chown "$uid:$gid" "$home"

# --- The user manager.
if ((uid != 0)); then
    for h in systemd unified; do
        d="/sys/fs/cgroup/$h/user.slice/user-$uid.slice/user@$uid.service"
        mkdir -p "$d"
        cg_dirs+=("$d")
        chown "$uid:$gid" "$d"
        for f in cgroup.procs tasks cgroup.subtree_control cgroup.threads; do
            [[ -e "$d/$f" ]] && chown "$uid:$gid" "$d/$f"
        done
    done
fi
(
    if ((uid != 0)); then
        for d in "${cg_dirs[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
    fi
    if ((uid == 0)); then
        exec env -i HOME="$home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="$rt" PATH=/usr/bin:/bin systemd --user --log-target=console
    fi
    exec setpriv --reuid="$uid" --regid="$gid" --init-groups \
        env -i HOME="$home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="$rt" PATH=/usr/bin:/bin systemd --user --log-target=console
) >"$work/manager-$user.log" 2>&1 &
manager_pid=$!
running() { [[ $(as_user systemctl --user is-system-running 2>/dev/null) =~ ^(running|degraded)$ ]]; }
wait_for 60 running || fail "the user manager did not come up: $(as_user systemctl --user is-system-running 2>&1)"
say "user manager up (pid $manager_pid)"

