#!/usr/bin/python3
"""A test notification server (Desktop Notifications Specification 1.3) for trustd's tests and benchmarks.

Owns org.freedesktop.Notifications on the bus at --address, answers Notify,
CloseNotification, GetCapabilities and GetServerInformation, and records every call with the
exact D-Bus type of every argument. A test-only interface, org.trustd.Test on the same path,
lets a test read the record (Calls) and make the server emit ActionInvoked,
NotificationClosed and NotificationReplied on demand.

With --profile it behaves like a real server as far as trustd can tell (the facts in
/work/shared/notes/desktop-servers.md): its name, vendor and capabilities, and what it draws.
The test interface then clicks only what that server would draw (Click, ClickBody, Reply fail
with org.trustd.Test.NotDrawn otherwise):

    gnome       gnome-shell / GNOME: at most 3 buttons, the body click is `default`, an action
                closes a notification that is not `resident` (NotificationClosed reason 2)
    plasma      Plasma / KDE: every button, `inline-reply` draws a reply field
    dunst       dunst / knopwob: no buttons, every action in its context menu
    no-actions  a server without the `actions` capability: nothing to click

Prints "READY <unique-name>" on stdout once it owns the name; exits when stdin closes (its
parent is gone) or on Quit. With --print-notify (the benchmarks: Benchmarks/bench-daemon,
Benchmarks/bench-notify) it keeps no record and prints one line per Notify as it arrives,

    NOTIFY <unix seconds, microsecond precision> <id> <summary>

the time taken first thing in the handler, so it measures when the call reached the server. Needs Debian's /usr/bin/python3 with python3-dbus and python3-gi.
"""
import argparse
import dbus.exceptions
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

# name, vendor, version, capabilities, how many buttons it draws (None: all), body click, closes
# a non-resident notification after an action
PROFILES = {
    "gnome": ("gnome-shell", "GNOME", "43.9",
              "actions,body,body-markup,icon-static,persistence,sound", 3, True, True),
    "plasma": ("Plasma", "KDE", "5.27.5", "actions,body,body-hyperlinks,inline-reply,persistence", None, True, True),
    "dunst": ("dunst", "knopwob", "1.9.0",
              "actions,body,body-hyperlinks,body-markup,icon-static,synchronous,private-synchronous,"
              "x-canonical-private-synchronous,x-dunst-stack-tag",
              None, False, False),
    "no-actions": ("trustd-test-server", "trustd", "1.0", "body,body-markup", 0, False, False),
}


class NotDrawn(dbus.exceptions.DBusException):
    _dbus_error_name = "org.trustd.Test.NotDrawn"


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
        # id -> (actions as [(key, label)], hints) of what shows now (replaces_id updates it)
        self.shown = {}

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
        self.shown[nid] = ([(str(actions[i]), str(actions[i + 1])) for i in range(0, len(actions) - 1, 2)],
                           dict(hints))
        return dbus.UInt32(nid)

    @dbus.service.method(IFACE, in_signature="u", out_signature="", sender_keyword="sender")
    def CloseNotification(self, nid, sender=None):
        self.record("CloseNotification", sender, "u", [nid])
        self.shown.pop(int(nid), None)
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

    # What the profile's server draws, and a person using it.
    def drawn(self, nid):
        """The labels of the buttons (or menu entries) notification nid shows, in order."""
        if int(nid) not in self.shown:
            raise NotDrawn("notification %d is not showing" % nid)
        actions, _ = self.shown[int(nid)]
        keys = [(k, l) for k, l in actions if k not in ("default", "inline-reply")]
        limit = self.args.buttons
        return keys if limit is None else keys[:limit]

    def acted(self, nid, key):
        self.ActionInvoked(dbus.UInt32(nid), dbus.String(key))
        _, hints = self.shown[int(nid)]
        if self.args.closes_after_action and not bool(hints.get("resident", False)):
            self.shown.pop(int(nid), None)
            self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(2))

    @dbus.service.method(TEST_IFACE, in_signature="u", out_signature="as")
    def Drawn(self, nid):
        return dbus.Array([l for _, l in self.drawn(nid)], signature="s")

    @dbus.service.method(TEST_IFACE, in_signature="us", out_signature="")
    def Click(self, nid, label):
        """Clicks the button (or picks the menu entry) labelled `label`."""
        for key, l in self.drawn(nid):
            if l == label:
                return self.acted(nid, key)
        raise NotDrawn("no %r on notification %d; it shows %r" % (str(label), nid, [l for _, l in self.drawn(nid)]))

    @dbus.service.method(TEST_IFACE, in_signature="u", out_signature="")
    def ClickBody(self, nid):
        self.drawn(nid)
        actions, _ = self.shown[int(nid)]
        if not self.args.body_click or "default" not in [k for k, _ in actions]:
            raise NotDrawn("a click on notification %d's body invokes nothing" % nid)
        self.acted(nid, "default")

    @dbus.service.method(TEST_IFACE, in_signature="us", out_signature="")
    def Reply(self, nid, text):
        """Types `text` into the reply field (drawn only with inline-reply and its action)."""
        self.drawn(nid)
        actions, _ = self.shown[int(nid)]
        if "inline-reply" not in self.args.capabilities or "inline-reply" not in [k for k, _ in actions]:
            raise NotDrawn("notification %d has no reply field" % nid)
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
    p.add_argument("--profile", choices=sorted(PROFILES),
                   help="behave like this server (sets the defaults of the options below)")
    p.add_argument("--capabilities", help="comma-separated; empty for none")
    p.add_argument("--name")
    p.add_argument("--vendor")
    p.add_argument("--version")
    p.add_argument("--replace", action="store_true",
                   help="take the name from the server that owns it (which lets it go, like `--replace` of real servers)")
    p.add_argument("--print-notify", action="store_true",
                   help="print NOTIFY <time> <id> <summary> per Notify and record nothing (benchmarks)")
    args = p.parse_args()
    name, vendor, version, caps, buttons, body_click, closes = PROFILES.get(
        args.profile, ("trustd-test-server", "trustd", "1.0", "actions,body,body-markup,persistence", None, True, False))
    args.name = name if args.name is None else args.name
    args.vendor = vendor if args.vendor is None else args.vendor
    args.version = version if args.version is None else args.version
    caps = caps if args.capabilities is None else args.capabilities
    args.capabilities = [c for c in caps.split(",") if c]
    args.buttons = buttons if "actions" in args.capabilities else 0
    args.body_click = body_click
    args.closes_after_action = closes

    DBusGMainLoop(set_as_default=True)
    conn = dbus.bus.BusConnection(args.address)
    loop = GLib.MainLoop()
    server = Server(conn, args, loop)
    flags = dbus.bus.NAME_FLAG_DO_NOT_QUEUE | dbus.bus.NAME_FLAG_ALLOW_REPLACEMENT
    if args.replace:
        flags |= dbus.bus.NAME_FLAG_REPLACE_EXISTING
    result = conn.request_name(NAME, flags)
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
