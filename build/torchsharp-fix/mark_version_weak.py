#!/usr/bin/env python3
"""Mark one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK).

usage: mark_version_weak.py LIBRARY VERSION   (e.g. libLibTorchSharp.so GLIBCXX_3.4.32)

Walks the .gnu.version_r (SHT_GNU_verneed) section: Elf64_Verneed entries, each with a chain of
Elf64_Vernaux entries whose vna_name indexes the section's linked string table. Setting vna_flags |= 0x2
makes the dynamic loader warn about the missing version instead of refusing to load. Idempotent.
Prints 'patched', 'already weak' or 'absent'; exits 1 if the file is not a little-endian ELF64.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            print(f"{path}: not a little-endian ELF64 file", file=sys.stderr)
            return 1
        e_shoff, = struct.unpack_from("<Q", data, 0x28)
        e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
        status = "absent"
        for (_, sh_type, _, _, sh_offset, _, sh_link, sh_info, _, _) in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab_offset = sections[sh_link][4]
            need = sh_offset
            for _ in range(sh_info):
                _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, need)
                aux = need + vn_aux
                for _ in range(vn_cnt):
                    _, vna_flags, _, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                    end = data.index(b"\0", strtab_offset + vna_name)
                    if data[strtab_offset + vna_name:end].decode() == version:
                        if vna_flags & VER_FLG_WEAK:
                            status = "already weak"
                        else:
                            struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                            status = "patched"
                    aux += vna_next
                need += vn_next
        if status == "patched":
            f.seek(0)
            f.write(data)
        print(status)
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
