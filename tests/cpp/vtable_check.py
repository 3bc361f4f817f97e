#!/usr/bin/env python3
"""Proves that our own declarations of digiKam's plugin classes match the
installed digiKam libraries (libdigikamcore; libdigikamgui for the Batch
Queue Manager's classes): every virtual slot of each class (as our compiler
lays it out in vtable_probe.o) holds the same function as the library's
virtual table (read from the _ZTV symbol and its dynamic relocations), and
every digiKam symbol our plugins import is exported by one of the libraries.

Usage: vtable_check.py LIBRARY[:LIBRARY...] PROBE_OBJECT [PLUGIN_MODULE...]
"""
import re
import subprocess
import sys

CLASSES = {
    # library vtable symbol            -> probe vtable symbol
    "_ZTVN7Digikam7DPluginE": "_ZTVN13dkcloud_probe12DPluginProbeE",
    "_ZTVN7Digikam14DPluginGenericE": "_ZTVN13dkcloud_probe19DPluginGenericProbeE",
    "_ZTVN7Digikam14DInfoInterfaceE": "_ZTVN13dkcloud_probe19DInfoInterfaceProbeE",
    "_ZTVN7Digikam13DPluginActionE": "_ZTVN13dkcloud_probe18DPluginActionProbeE",
    "_ZTVN7Digikam10DPluginBqmE": "_ZTVN13dkcloud_probe15DPluginBqmProbeE",
    "_ZTVN7Digikam9BatchToolE": "_ZTVN13dkcloud_probe14BatchToolProbeE",
}
PURE = "__cxa_pure_virtual"
LOCAL = "<inline in library>"
NULL = "<null>"


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def demangle(names):
    names = list(names)
    if not names:
        return {}
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True).stdout
    return dict(zip(names, out.splitlines()))


def strip_version(name):
    return name.split("@")[0]


def symbols(path, dynamic):
    """name -> (section index, value, size) for defined symbols."""
    out = run("readelf", "-W", "--dyn-syms" if dynamic else "--syms", path)
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 8 or not parts[0].endswith(":"):
            continue
        _, value, size, _type, _bind, _vis, ndx, name = parts[:8]
        if ndx == "UND":
            continue
        try:
            table[strip_version(name)] = (ndx, int(value, 16), int(size, 0))
        except ValueError:
            continue
    return table


RELOC_LINE = re.compile(r"^([0-9a-f]+)\s+[0-9a-f]+\s+(R_X86_64_\w+)\s*(?:([0-9a-f]+)\s+(\S+))?")


def relocations(path):
    """section name -> {offset: symbol or LOCAL}"""
    out = run("readelf", "-rW", path)
    sections, current = {}, None
    for line in out.splitlines():
        m = re.match(r"^Relocation section '([^']+)'", line)
        if m:
            current = sections.setdefault(m.group(1), {})
            continue
        m = RELOC_LINE.match(line)
        if m and current is not None:
            offset, kind, _value, name = m.groups()
            if kind == "R_X86_64_RELATIVE":
                current[int(offset, 16)] = LOCAL
            elif name:
                current[int(offset, 16)] = strip_version(name)
    return sections


def library_slots(libs, vtable):
    lib = next((l for l in libs if vtable in symbols(l, dynamic=True)), None)
    if lib is None:
        raise SystemExit(f"no library of {libs} defines {vtable}")
    syms = symbols(lib, dynamic=True)
    _, start, size = syms[vtable]
    relocs = {}
    for sec in relocations(lib).values():
        relocs.update(sec)
    entries = [relocs.get(start + 8 * i, NULL) for i in range(size // 8)]
    return entries[2:]  # skip offset-to-top and typeinfo


def probe_slots(obj, vtable):
    syms = symbols(obj, dynamic=False)
    _, start, size = syms[vtable]
    relocs = relocations(obj)
    section = next((rs for name, rs in relocs.items() if name.endswith(vtable)), None)
    if section is None:
        raise SystemExit(f"no relocation section for {vtable} in {obj} (compile with -fdata-sections)")
    entries = [section.get(start + 8 * i, NULL) for i in range(size // 8)]
    return entries[2:], syms


def is_destructor(name):
    return bool(re.search(r"D[012]Ev$", name))


def compare(libs, obj):
    failures = 0
    for lib_vt, probe_vt in CLASSES.items():
        real = library_slots(libs, lib_vt)
        ours, defined = probe_slots(obj, probe_vt)
        names = demangle(set(real) | set(ours))
        print(f"== {names.get(lib_vt, lib_vt)}  library: {len(real)} slots, ours: {len(ours)} slots")
        if len(real) != len(ours):
            print(f"   MISMATCH: slot count differs")
            failures += 1
        for slot in range(max(len(real), len(ours))):
            r = real[slot] if slot < len(real) else "<missing>"
            o = ours[slot] if slot < len(ours) else "<missing>"
            if slot in (3, 4):
                # The destructors: exported (7.9) or inline in the library
                # (8.6's DInfoInterface, DPluginAction); an import of one the
                # library does not export is caught by check_imports().
                ok = (r in (NULL, LOCAL) or is_destructor(r)) and (o == NULL or is_destructor(o))
            elif r == LOCAL:
                ok = o not in (PURE, NULL) and o in defined
            else:
                ok = r == o
            mark = "ok " if ok else "BAD"
            failures += not ok
            print(f"   {mark} {slot:2}  {names.get(r, r):70}  ours: {names.get(o, o)}")
    return failures


def check_imports(libs, plugin):
    exported = set()
    for lib in libs:
        exported |= set(symbols(lib, dynamic=True))
    out = run("nm", "-D", "--undefined-only", plugin)
    wanted = sorted({strip_version(line.split()[-1]) for line in out.splitlines() if "7Digikam" in line})
    names = demangle(wanted)
    failures = 0
    print(f"== digiKam symbols imported by {plugin}: {len(wanted)}")
    for sym in wanted:
        ok = sym in exported
        failures += not ok
        print(f"   {'ok ' if ok else 'MISSING'} {names.get(sym, sym)}")
    return failures


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    libs, obj = sys.argv[1].split(":"), sys.argv[2]
    failures = compare(libs, obj)
    for plugin in sys.argv[3:]:
        failures += check_imports(libs, plugin)
    print(f"{failures} mismatches" if failures else "declarations match the library")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
