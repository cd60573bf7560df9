#!/usr/bin/env python3
"""Reads and damages program cache entries (lib/runtime/cache.c's format 2) for
tests/cache.sh, keeping their checksum valid:
  cache_entry.py deps ENTRY            the files the stored compile read
  cache_entry.py rename-func ENTRY     the first function gets another name
  cache_entry.py rename-map ENTRY MAP  map MAP gets another name
  cache_entry.py cut ENTRY             the first function loses its last
                                       instruction (the kernel refuses it)"""
import struct
import sys

FNV_INIT, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def fnv1a(data):
    h = FNV_INIT
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def u32(self):
        (v,) = struct.unpack_from("<I", self.data, self.pos)
        self.pos += 4
        return v

    def raw(self):
        n = self.u32()
        v = self.data[self.pos:self.pos + n]
        self.pos += n
        return v


def load(path):
    data = open(path, "rb").read()
    assert data[:8] == b"CBCCPRG2", "not a format 2 entry"
    r = Reader(data[24:])
    # key components, source, files read; then the program
    e = {"head": [r.raw() for _ in range(3)], "maps": [], "funcs": []}
    e["license"] = r.raw()
    e["kver"] = r.u32()
    for _ in range(r.u32()):
        e["maps"].append([r.raw()] + [r.u32() for _ in range(5)])
    for _ in range(r.u32()):
        e["funcs"].append([r.raw(), r.raw()])
    assert r.pos == len(r.data), "trailing bytes"
    return e


def save(path, e):
    def raw(b):
        return struct.pack("<I", len(b)) + b

    out = b"".join(raw(b) for b in e["head"]) + raw(e["license"])
    out += struct.pack("<II", e["kver"], len(e["maps"]))
    for m in e["maps"]:
        out += raw(m[0]) + struct.pack("<5I", *m[1:])
    out += struct.pack("<I", len(e["funcs"]))
    for name, insns in e["funcs"]:
        out += raw(name) + raw(insns)
    open(path, "wb").write(b"CBCCPRG2" + struct.pack("<QQ", len(out), fnv1a(out)) + out)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    e = load(path)
    if cmd == "deps":
        sys.stdout.write(e["head"][2].decode())
        return
    if cmd == "rename-func":
        e["funcs"][0][0] = b"renamed_" + e["funcs"][0][0]
    elif cmd == "rename-map":
        for m in e["maps"]:
            if m[0] == sys.argv[3].encode():
                m[0] = b"renamed_" + m[0]
    elif cmd == "cut":
        e["funcs"][0][1] = e["funcs"][0][1][:-8]
    else:
        sys.exit("unknown command " + cmd)
    save(path, e)


main()
