#!/usr/bin/env python3
"""Writes a small, valid RAW file: an uncompressed 16-bit Bayer (RGGB) DNG,
600x400, of a drawn scene (sky, hills, a sun), made here from nothing, so
the in-host tests have a RAW photo without a camera's sample of unclear
licence. Its camera space is linear sRGB (ColorMatrix1 is sRGB's XYZ matrix),
so any DNG reader (LibRaw in digiKam) develops it into the scene as drawn. It
holds no embedded preview: a thumbnail of it had to be developed from the raw
data.

Usage: make_dng.py OUT.dng
"""
import array
import struct
import sys

WIDTH, HEIGHT = 600, 400


def scene(x, y):
    """Linear RGB in 0..1 of the point (x, y)."""
    if (x - 430) ** 2 + (y - 110) ** 2 < 55 ** 2:
        return (1.0, 0.55, 0.05)  # the sun
    if y > 260 + 40 * ((x // 60) % 2):
        return (0.05, 0.35 + 0.3 * (y - 260) / 140, 0.04)  # hills
    return (0.08, 0.2 + 0.4 * y / 260, 0.85)  # sky


def bayer():
    pixels = array.array("H")
    for y in range(HEIGHT):
        for x in range(WIDTH):
            # RGGB: red on even rows and columns, blue on odd ones, green between.
            channel = (y % 2) + (x % 2)
            pixels.append(int(scene(x, y)[channel] * 60000))
    if sys.byteorder != "little":
        pixels.byteswap()
    return pixels.tobytes()


# TIFF field types: BYTE 1, ASCII 2, SHORT 3, LONG 4, RATIONAL 5, SRATIONAL 10.
def entries(strip_offset, strip_bytes):
    xyz_to_srgb = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
    return [
        (254, 4, [0]),  # NewSubFileType: the main image
        (256, 4, [WIDTH]),
        (257, 4, [HEIGHT]),
        (258, 3, [16]),  # BitsPerSample
        (259, 3, [1]),  # Compression: none
        (262, 3, [32803]),  # PhotometricInterpretation: CFA
        (271, 2, b"dkcloud\0"),  # Make
        (272, 2, b"test DNG\0"),  # Model
        (273, 4, [strip_offset]),
        (274, 3, [1]),  # Orientation
        (277, 3, [1]),  # SamplesPerPixel
        (278, 4, [HEIGHT]),  # RowsPerStrip
        (279, 4, [strip_bytes]),
        (284, 3, [1]),  # PlanarConfiguration
        (33421, 3, [2, 2]),  # CFARepeatPatternDim
        (33422, 1, [0, 1, 1, 2]),  # CFAPattern: RGGB
        (50706, 1, [1, 4, 0, 0]),  # DNGVersion
        (50707, 1, [1, 1, 0, 0]),  # DNGBackwardVersion
        (50708, 2, b"dkcloud test DNG\0"),  # UniqueCameraModel
        (50717, 4, [60000]),  # WhiteLevel
        (50721, 10, [(round(v * 10000), 10000) for v in xyz_to_srgb]),  # ColorMatrix1
        (50728, 5, [(1, 1)] * 3),  # AsShotNeutral
        (50778, 3, [21]),  # CalibrationIlluminant1: D65
    ]


def pack(kind, values):
    if kind == 2:
        return values, len(values)
    code = {1: "B", 3: "H", 4: "I"}.get(kind)
    if code:
        return struct.pack("<%d%s" % (len(values), code), *values), len(values)
    pairs = [part for pair in values for part in pair]
    return struct.pack("<%d%s" % (len(pairs), "i" if kind == 10 else "I"), *pairs), len(values)


def dng():
    data = bayer()
    header = 8
    count = len(entries(0, 0))
    ifd_size = 2 + 12 * count + 4
    # Layout: header, IFD, the values too long for their entry, the strip.
    extra_start = header + ifd_size
    packed = [(tag, kind) + pack(kind, values) for tag, kind, values in entries(0, 0)]
    extra_len = sum(len(raw) + len(raw) % 2 for _, _, raw, _ in packed if len(raw) > 4)
    strip_offset = extra_start + extra_len
    packed = [(tag, kind) + pack(kind, values) for tag, kind, values in entries(strip_offset, len(data))]
    ifd = struct.pack("<H", count)
    extra = b""
    for tag, kind, raw, n in packed:
        if len(raw) <= 4:
            ifd += struct.pack("<HHI", tag, kind, n) + raw.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, kind, n, extra_start + len(extra))
            extra += raw + b"\0" * (len(raw) % 2)
    ifd += struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", header) + ifd + extra + data


with open(sys.argv[1], "wb") as out:
    out.write(dng())
