#!/usr/bin/env python3
"""Prints hcu metadata and ELF build ids as `key value` lines for FileCheck.

  meta.py FILE...

For NAME.hcu.json: format, kind, version, base_version, build_id,
target_build_id and the units' uids (sorted), one per line, each line
prefixed with the file's base name. For any other file (an ELF program or
patch): its GNU build id as `NAME elf_build_id HEX`.
"""
import json
import os
import struct
import sys


def elf_build_id(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        return "not-elf"
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
    for i in range(shnum):
        base = shoff + i * shentsize
        if is64:
            _, sh_type, _, _, off, size = struct.unpack_from(end + "IIQQQQ", data, base)
        else:
            _, sh_type, _, _, off, size = struct.unpack_from(end + "IIIIII", data, base)
        if sh_type != 7:  # SHT_NOTE
            continue
        pos = off
        while pos + 12 <= off + size:
            namesz, descsz, ntype = struct.unpack_from(end + "III", data, pos)
            name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            desc_at = pos + 12 + ((namesz + 3) & ~3)
            if ntype == 3 and name == b"GNU":
                return data[desc_at:desc_at + descsz].hex()
            pos = desc_at + ((descsz + 3) & ~3)
    return "none"


def main():
    for path in sys.argv[1:]:
        name = os.path.basename(path)
        if not path.endswith(".hcu.json"):
            print(f"{name} elf_build_id {elf_build_id(path)}")
            continue
        with open(path) as f:
            meta = json.load(f)
        for key in ("format", "kind", "version", "base_version", "build_id",
                    "target_build_id"):
            if key in meta:
                print(f"{name} {key} {meta[key]}")
        uids = sorted(u.get("uid", "?") for u in meta.get("units", []))
        print(f"{name} units {' '.join(uids) if uids else '(none)'}")


if __name__ == "__main__":
    main()
