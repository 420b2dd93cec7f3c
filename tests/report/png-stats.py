#!/usr/bin/env python3
"""Prints 'WIDTH HEIGHT COLOURS NONWHITE' of an 8-bit, non-interlaced PNG (what headless Chromium's --screenshot
writes), with the standard library only: the number of distinct colours and the fraction of pixels that are not
white, so a blank page (one colour, nothing drawn) can be told from a drawn one."""
import struct, sys, zlib

def read(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'{path}: not a PNG')
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        sys.exit(f'{path}: only 8-bit non-interlaced grey/RGB/RGBA PNGs are read')
    raw = zlib.decompress(b''.join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif f == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows

width, height, channels, rows = read(sys.argv[1])
colours, nonwhite, total = set(), 0, 0
for line in rows[::2]:
    for x in range(0, width * channels, 2 * channels):
        px = line[x:x + min(channels, 3)]
        colours.add(px)
        total += 1
        if any(v < 245 for v in px):
            nonwhite += 1
print(width, height, len(colours), f'{nonwhite / total:.4f}')
