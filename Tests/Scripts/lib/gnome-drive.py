#!/usr/bin/python3
"""Drives a headless GNOME Shell over its session bus, for Tests/Scripts/desktop-gnome.sh.

  gnome-drive.py screenshot FILE      a PNG of the whole screen (org.gnome.Shell.Screenshot)
  gnome-drive.py click X Y [X Y ...]  for each point: moves the pointer there and, for all but
                                      the last, only hovers (0.6 s); the last one is clicked
  gnome-drive.py hover X Y [X Y ...]  the same without the click
  gnome-drive.py buttons FILE X0 X1   the centres "X Y" of the buttons of the banner that spans
                                      columns X0..X1 of screenshot FILE, left to right
                                      (org.gnome.Mutter.RemoteDesktop, a virtual pointer)

The pointer is a remote-desktop session's: absolute motion needs a screencast stream, so the
pointer is parked at the bottom-right corner (moving far beyond it) and moved relative from there.
"""
import subprocess
import sys
import time

import dbus

BTN_LEFT = 272  # evdev BTN_LEFT


def screenshot(bus, path):
    # The Screenshot interface only answers callers that own a name it trusts.
    bus.request_name("org.gnome.Screenshot", dbus.bus.NAME_FLAG_DO_NOT_QUEUE)
    shot = dbus.Interface(bus.get_object("org.gnome.Shell.Screenshot", "/org/gnome/Shell/Screenshot"),
                          "org.gnome.Shell.Screenshot")
    ok, used = shot.Screenshot(False, False, path)
    if not ok:
        sys.exit("screenshot failed")
    print(used)


def click(bus, points, press=True, width=1280, height=800):
    rd = dbus.Interface(bus.get_object("org.gnome.Mutter.RemoteDesktop", "/org/gnome/Mutter/RemoteDesktop"),
                        "org.gnome.Mutter.RemoteDesktop")
    path = rd.CreateSession()
    session = dbus.Interface(bus.get_object("org.gnome.Mutter.RemoteDesktop", path),
                             "org.gnome.Mutter.RemoteDesktop.Session")
    session.Start()
    # Park at the bottom-right corner (the pointer stops at the edge), then move relative.
    session.NotifyPointerMotionRelative(dbus.Double(4 * width), dbus.Double(4 * height))
    time.sleep(0.1)
    x, y = width - 1, height - 1
    for n, (tx, ty) in enumerate(points):
        session.NotifyPointerMotionRelative(dbus.Double(tx - x), dbus.Double(ty - y))
        x, y = tx, ty
        time.sleep(0.6)
        if press and n == len(points) - 1:
            session.NotifyPointerButton(BTN_LEFT, True)
            time.sleep(0.05)
            session.NotifyPointerButton(BTN_LEFT, False)
    time.sleep(0.3)
    session.Stop()


def buttons(path, x0, x1):
    """GNOME draws a banner's buttons as one row of flat boxes, each a single colour, side by side
    with 1-3 px separators. The first pixel row (from the top) that splits into exactly that
    pattern (2 or more runs of at least 48 px covering nine tenths of the width) for at least 10
    rows is the button row; the buttons' centres are the runs' middles at its middle row."""
    size = subprocess.run(["identify", "-format", "%w %h", path], capture_output=True, text=True, check=True).stdout
    width, height = (int(v) for v in size.split())
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], capture_output=True, check=True).stdout

    def runs(y):
        row = raw[3 * (y * width + x0):3 * (y * width + x1)]
        out, start = [], 0
        for x in range(1, x1 - x0 + 1):
            if x == x1 - x0 or row[3 * x:3 * x + 3] != row[3 * start:3 * start + 3]:
                if x - start >= 48:
                    out.append((x0 + start, x0 + x - 1))
                start = x
        return out

    def pattern(rs):
        covered = sum(b - a + 1 for a, b in rs)
        return (len(rs) >= 2 and covered >= 0.9 * (x1 - x0)
                and all(0 < b[0] - a[1] <= 4 for a, b in zip(rs, rs[1:])))

    for y in range(height):
        first = runs(y)
        if not pattern(first):
            continue
        last = y
        while last + 1 < height and runs(last + 1) == first:
            last += 1
        if last - y < 10:
            continue
        for a, b in first:
            print((a + b) // 2, (y + last) // 2)
        return
    sys.exit("no row of buttons found")


def main():
    bus = dbus.SessionBus() if sys.argv[1] != "buttons" else None
    if sys.argv[1] == "screenshot":
        screenshot(bus, sys.argv[2])
    elif sys.argv[1] == "buttons":
        buttons(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] in ("click", "hover"):
        values = [int(v) for v in sys.argv[2:]]
        click(bus, list(zip(values[0::2], values[1::2])), press=sys.argv[1] == "click")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
