#!/usr/bin/python3
"""A minimal notification server for Scripts/bench-daemon: owns org.freedesktop.Notifications on
the bus at --address and prints one line per Notify as it arrives, with the receive time:

    NOTIFY <unix seconds, microsecond precision> <id> <summary>

The time is taken first thing in the handler, so it measures when trustd's call reached the
server. Prints "READY" once it owns the name; exits when stdin closes. Needs Debian's
/usr/bin/python3 with python3-dbus and python3-gi.
"""
import argparse
import os
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib


class Server(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, "/org/freedesktop/Notifications")
        self.next_id = 0

    @dbus.service.method("org.freedesktop.Notifications", in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout):
        received = time.time()
        if replaces_id:
            nid = int(replaces_id)
        else:
            self.next_id += 1
            nid = self.next_id
        print("NOTIFY %.6f %d %s" % (received, nid, summary), flush=True)
        return dbus.UInt32(nid)

    @dbus.service.method("org.freedesktop.Notifications", in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        pass

    @dbus.service.method("org.freedesktop.Notifications", in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["actions", "body"]

    @dbus.service.method("org.freedesktop.Notifications", in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("bench-server", "trustd", "1", "1.3")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    args = parser.parse_args()
    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(args.address)
    server = Server(bus)
    name = dbus.service.BusName("org.freedesktop.Notifications", bus, do_not_queue=True)
    loop = GLib.MainLoop()
    def on_stdin(*_):
        if os.read(0, 4096):
            return True
        loop.quit()
        return False

    GLib.io_add_watch(0, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    print("READY", flush=True)
    loop.run()
    del name, server


if __name__ == "__main__":
    main()
