#!/usr/bin/python3
"""Finds the buttons in a screenshot of one notification window, without any toolkit help.

Usage: find-buttons.py WIDTH HEIGHT < rgb-bytes   (import -window root -crop WxH+X+Y -depth 8 rgb:-)
Prints one line per button, left to right: "X Y" (its centre, relative to the crop).

The window's most common colour is its background. Rows are scanned from the bottom up for runs
of pixels that differ from it (by more than 2/255 in a channel), bridging gaps of up to 2 px;
runs narrower than 24 px are text or icons, and runs touching the window's edge are its border,
not buttons. The row whose runs cover the most
width is the button row (a row of text has gaps between its words): each run is one button.
"""
import collections
import sys

w, h = int(sys.argv[1]), int(sys.argv[2])
data = sys.stdin.buffer.read()
if len(data) != w * h * 3:
    sys.exit("expected %d bytes, got %d" % (w * h * 3, len(data)))
px = [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]
background = collections.Counter(px).most_common(1)[0][0]


def differs(p):
    return any(abs(a - b) > 2 for a, b in zip(p, background))


def runs(y):
    out, start, gap = [], None, 0
    for x in range(w):
        if differs(px[y * w + x]):
            if start is None:
                start = x
            gap, end = 0, x
        elif start is not None:
            gap += 1
            if gap > 2:
                out.append((start, end))
                start, gap = None, 0
    if start is not None:
        out.append((start, end))
    # Borders and shadows touch the window's edges; buttons do not.
    return [(a, b) for a, b in out if b - a + 1 >= 24 and a > 2 and b < w - 3]


best = None
for y in range(h - 1, -1, -1):
    r = runs(y)
    if r and (best is None or sum(b - a for a, b in r) > sum(b - a for a, b in best[1])):
        best = (y, r)
if best is None:
    sys.exit("no button row found")
y, row = best
# The button's vertical extent: the rows around y where the first button's run continues.
top = bottom = y
a, b = row[0]
mid = (a + b) // 2
while top > 0 and differs(px[(top - 1) * w + mid]) and differs(px[(top - 1) * w + a + 1]):
    top -= 1
while bottom < h - 1 and differs(px[(bottom + 1) * w + mid]) and differs(px[(bottom + 1) * w + a + 1]):
    bottom += 1
for a, b in row:
    print((a + b) // 2, (top + bottom) // 2)
