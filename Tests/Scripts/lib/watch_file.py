#!/usr/bin/python3
"""Records what happens to one file name in a directory, through inotify (as trustd's watcher
sees it), one event per line: 'moved_to', 'close_write', 'create', 'delete', 'modify'.

    watch_file.py DIRECTORY NAME LOG     # runs until SIGTERM; prints 'ready' once watching
"""
import ctypes
import os
import signal
import struct
import sys

directory, name, log_path = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
libc = ctypes.CDLL("libc.so.6", use_errno=True)
IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x2, 0x8, 0x80, 0x100, 0x200
names = {IN_MODIFY: "modify", IN_CLOSE_WRITE: "close_write", IN_MOVED_TO: "moved_to", IN_CREATE: "create",
         IN_DELETE: "delete"}
fd = libc.inotify_init()
if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0:
    sys.exit("watch_file: inotify: errno %d" % ctypes.get_errno())
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
log = open(log_path, "w", buffering=1)
print("ready", flush=True)
while True:
    data = os.read(fd, 65536)
    i = 0
    while i < len(data):
        wd, mask, cookie, length = struct.unpack_from("iIII", data, i)
        event_name = data[i + 16:i + 16 + length].rstrip(b"\0")
        i += 16 + length
        if event_name == name:
            for bit, text in names.items():
                if mask & bit:
                    log.write(text + "\n")
