#!/usr/bin/env python3
"""Makes COUNT distinct JPEGs from one: each copy gets its own comment (a COM
segment right after the start marker), so digiKam sees COUNT different files
(its unique hash covers the file's first and last bytes) at the cost of a copy.

Usage: many_photos.py SOURCE.jpg DIR COUNT [PREFIX]
"""
import os
import struct
import sys

source, folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
prefix = sys.argv[4] if len(sys.argv) > 4 else "IMG_"
data = open(source, "rb").read()
assert data[:2] == b"\xff\xd8", "not a JPEG"
os.makedirs(folder, exist_ok=True)
for i in range(count):
    path = os.path.join(folder, "%s%04d.jpg" % (prefix, i + 1))
    if os.path.exists(path):
        continue
    comment = ("dkcloud test photo %d" % (i + 1)).encode()
    with open(path + ".part", "wb") as out:
        out.write(data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:])
    os.rename(path + ".part", path)
