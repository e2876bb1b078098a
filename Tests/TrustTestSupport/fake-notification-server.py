#!/usr/bin/python3
"""A test notification server (Desktop Notifications Specification 1.3) for trustd's tests and benchmarks.

Owns org.freedesktop.Notifications on the bus at --address, answers Notify,
CloseNotification, GetCapabilities and GetServerInformation, and records every call with the
exact D-Bus type of every argument. A test-only interface, org.trustd.Test on the same path,
lets a test read the record (Calls) and make the server emit ActionInvoked,
NotificationClosed and NotificationReplied on demand.

Prints "READY <unique-name>" on stdout once it owns the name; exits when stdin closes (its
parent is gone) or on Quit. With --print-notify (the benchmarks: Benchmarks/bench-daemon,
Benchmarks/bench-notify) it keeps no record and prints one line per Notify as it arrives,

    NOTIFY <unix seconds, microsecond precision> <id> <summary>

the time taken first thing in the handler, so it measures when the call reached the server. Needs Debian's /usr/bin/python3 with python3-dbus and python3-gi.
"""
import argparse
import json
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
IFACE = "org.freedesktop.Notifications"
TEST_IFACE = "org.trustd.Test"


def signature_of(v):
    """The D-Bus signature of a value as dbus-python received it (ignoring variant wrapping)."""
    if isinstance(v, dbus.Boolean):
        return "b"
    for cls, sig in ((dbus.Byte, "y"), (dbus.Int16, "n"), (dbus.UInt16, "q"), (dbus.Int32, "i"),
                     (dbus.UInt32, "u"), (dbus.Int64, "x"), (dbus.UInt64, "t"), (dbus.Double, "d"),
                     (dbus.ObjectPath, "o"), (dbus.Signature, "g"), (dbus.String, "s")):
        if isinstance(v, cls):
            return sig
    if isinstance(v, dbus.Dictionary):
        return "a{" + str(v.signature) + "}"
    if isinstance(v, dbus.Array):
        return "a" + str(v.signature)
    if isinstance(v, dbus.Struct):
        return "(" + "".join(typed_signature(x) for x in v) + ")"
    raise TypeError("unexpected value %r" % (v,))


def typed_signature(v):
    return "v" if getattr(v, "variant_level", 0) > 0 else signature_of(v)


def typed(v):
    """{"type": signature, "value": …}; a variant is {"type": "v", "value": typed(inner)}."""
    sig = signature_of(v)
    if isinstance(v, dbus.Boolean):
        value = bool(v)
    elif sig in ("y", "n", "q", "i", "u", "x", "t"):
        value = int(v)
    elif sig == "d":
        value = float(v)
    elif sig in ("s", "o", "g"):
        value = str(v)
    elif isinstance(v, dbus.Dictionary):
        value = [[typed(k), typed(x)] for k, x in v.items()]
    else:
        value = [typed(x) for x in v]
    out = {"type": sig, "value": value}
    if getattr(v, "variant_level", 0) > 0:
        out = {"type": "v", "value": out}
    return out


class Server(dbus.service.Object):
    def __init__(self, conn, args, loop):
        super().__init__(conn, PATH)
        self.args = args
        self.loop = loop
        self.calls = []
        self.hanging = []
        self.next_id = 1

    def record(self, method, sender, signature, values, result=None):
        if self.args.print_notify:
            return
        entry = {"method": method, "sender": str(sender), "signature": signature,
                 "args": [typed(v) for v in values]}
        if result is not None:
            entry["result"] = result
        self.calls.append(entry)

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u", sender_keyword="sender")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout, sender=None):
        received = time.time()
        if replaces_id:
            nid = int(replaces_id)
        else:
            nid = self.next_id
            self.next_id += 1
        if self.args.print_notify:
            print("NOTIFY %.6f %d %s" % (received, nid, summary), flush=True)
            return dbus.UInt32(nid)
        self.record("Notify", sender, "susssasa{sv}i",
                    [app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout], nid)
        return dbus.UInt32(nid)

    @dbus.service.method(IFACE, in_signature="u", out_signature="", sender_keyword="sender")
    def CloseNotification(self, nid, sender=None):
        self.record("CloseNotification", sender, "u", [nid])
        if self.args.print_notify:
            return  # as the benchmarks have always measured: no signal back
        self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(3))

    @dbus.service.method(IFACE, in_signature="", out_signature="as", sender_keyword="sender")
    def GetCapabilities(self, sender=None):
        self.record("GetCapabilities", sender, "", [])
        return dbus.Array(self.args.capabilities, signature="s")

    @dbus.service.method(IFACE, in_signature="", out_signature="ssss", sender_keyword="sender")
    def GetServerInformation(self, sender=None):
        self.record("GetServerInformation", sender, "", [])
        return (self.args.name, self.args.vendor, self.args.version, "1.3")

    @dbus.service.signal(IFACE, signature="us")
    def ActionInvoked(self, nid, key):
        pass

    @dbus.service.signal(IFACE, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal(IFACE, signature="us")
    def NotificationReplied(self, nid, text):
        pass

    # Test-only interface.
    @dbus.service.method(TEST_IFACE, in_signature="", out_signature="s")
    def Calls(self):
        return json.dumps(self.calls)

    @dbus.service.method(TEST_IFACE, in_signature="us", out_signature="")
    def EmitActionInvoked(self, nid, key):
        self.ActionInvoked(dbus.UInt32(nid), dbus.String(key))

    @dbus.service.method(TEST_IFACE, in_signature="uu", out_signature="")
    def EmitNotificationClosed(self, nid, reason):
        self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(reason))

    @dbus.service.method(TEST_IFACE, in_signature="us", out_signature="")
    def EmitNotificationReplied(self, nid, text):
        self.NotificationReplied(dbus.UInt32(nid), dbus.String(text))

    @dbus.service.method(TEST_IFACE, in_signature="", out_signature="", async_callbacks=("reply", "error"))
    def Hang(self, reply, error):
        """Never answers (for timeouts and calls in flight when the bus dies)."""
        self.hanging.append((reply, error))

    @dbus.service.method(TEST_IFACE, in_signature="", out_signature="")
    def Quit(self):
        GLib.idle_add(self.loop.quit)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--address", required=True)
    p.add_argument("--capabilities", default="actions,body,body-markup,persistence",
                   help="comma-separated; empty for none")
    p.add_argument("--name", default="trustd-test-server")
    p.add_argument("--vendor", default="trustd")
    p.add_argument("--version", default="1.0")
    p.add_argument("--print-notify", action="store_true",
                   help="print NOTIFY <time> <id> <summary> per Notify and record nothing (benchmarks)")
    args = p.parse_args()
    args.capabilities = [c for c in args.capabilities.split(",") if c]

    DBusGMainLoop(set_as_default=True)
    conn = dbus.bus.BusConnection(args.address)
    loop = GLib.MainLoop()
    server = Server(conn, args, loop)
    result = conn.request_name(NAME, dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    if result not in (dbus.bus.REQUEST_NAME_REPLY_PRIMARY_OWNER, dbus.bus.REQUEST_NAME_REPLY_ALREADY_OWNER):
        print("ERROR could not own %s (reply %d)" % (NAME, result), flush=True)
        sys.exit(1)
    conn.call_on_disconnection(lambda _c: loop.quit())
    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR,
                      lambda *_: (loop.quit(), False)[1])
    print("READY " + conn.get_unique_name(), flush=True)
    loop.run()
    del server


if __name__ == "__main__":
    main()
