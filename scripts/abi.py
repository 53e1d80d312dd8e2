#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/abi.py: the pv ABI check (docs/pv-abi.md, abi/README.md).

  abi.py dump   --object pv_core.o --headers include/pv [-o FILE]
  abi.py check  --object pv_core.o --headers include/pv --abi-dir abi
  abi.py update --object pv_core.o --headers include/pv --abi-dir abi
  abi.py diff   OLD.xml NEW.xml

The representation of pv ABI M.n is abi/pv-M.n.xml: libabigail's abidw
output for pv_core.o (pv_core's exports and the types of include/pv/ they
reach), with the object-like PV_* macros and the enums of include/pv/
appended as <pv-macro/> and <pv-enum/> elements, since macros leave no
debug info and the compiler drops enums no code names.

check fails (exit 1) when the build differs from abi/pv-<tree version>.xml,
or when it is incompatible, by the policy, with any representation of the
same major. update writes abi/pv-<tree version>.xml; it refuses to rewrite
a released version with a different ABI, and an incompatible change within
a major.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# Structures a minor release may grow at their end: ops and callback
# tables (their size is recorded at registration) and struct pv_device
# (only pv_core allocates it). Every other structure keeps its size and
# grows only into its PV_ABI_RESERVE() members.
APPENDABLE = {
    "pv_device",
    "pv_hypervisor_ops",
    "pv_blk_ops", "pv_blk_callbacks",
    "pv_net_ops", "pv_net_callbacks",
    "pv_clock_ops",
}
# Version macros: they change with every release by design.
VERSION_MACROS = {"PV_ABI_MAJOR", "PV_ABI_MINOR"}


class Incompatible(Exception):
    pass


def tree_version(headers):
    text = open(os.path.join(headers, "pv.h")).read()
    major = re.search(r"^#define\s+PV_ABI_MAJOR\s+(\d+)", text, re.M)
    minor = re.search(r"^#define\s+PV_ABI_MINOR\s+(\d+)", text, re.M)
    if not major or not minor:
        sys.exit("abi: no PV_ABI_MAJOR/PV_ABI_MINOR in %s/pv.h" % headers)
    return int(major.group(1)), int(minor.group(1))


def header_macros(headers):
    """Object-like #define PV_* of every header, value with spaces squeezed."""
    macros = {}
    for name in sorted(os.listdir(headers)):
        if not name.endswith(".h"):
            continue
        lines = open(os.path.join(headers, name)).read().split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + " " + lines[i]
            i += 1
            m = re.match(r"^#define\s+(PV_[A-Z0-9_]+)(\s+(.*))?$", line)
            if not m or m.group(1) in VERSION_MACROS:
                continue
            value = re.sub(r"/\*.*?\*/", "", m.group(3) or "")
            macros[m.group(1)] = " ".join(value.split())
    return macros


def header_enums(headers):
    """Every named enum of the headers: {name: {enumerator: value}}.

    Read from the source, not from the debug info: the compiler keeps an
    enum only where something uses its type, and ours travel in u32 and u8
    members. Values are what C gives them: a literal, an earlier
    enumerator, or one more than the one before."""
    enums = {}
    for name in sorted(os.listdir(headers)):
        if not name.endswith(".h"):
            continue
        text = open(os.path.join(headers, name)).read()
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        for m in re.finditer(r"\benum\s+(pv_\w+)\s*\{(.*?)\}", text, re.S):
            values, nxt = {}, 0
            for item in m.group(2).split(","):
                item = item.strip()
                if not item:
                    continue
                e = re.match(r"^(\w+)\s*(?:=\s*(.+))?$", item, re.S)
                if not e:
                    sys.exit("abi: cannot read enumerator %r of enum %s" %
                             (item, m.group(1)))
                expr = (e.group(2) or "").strip()
                if not expr:
                    value = nxt
                elif re.match(r"^(0x[0-9a-fA-F]+|\d+)[uUlL]*$", expr):
                    value = int(expr.rstrip("uUlL"), 0)
                elif expr in values:
                    value = values[expr]
                else:
                    sys.exit("abi: enum %s: cannot evaluate %s = %s" %
                             (m.group(1), e.group(1), expr))
                values[e.group(1)] = value
                nxt = value + 1
            enums[m.group(1)] = values
    return enums


def symbols_of(obj):
    """Global symbols pv_core exports: the __ksymtab_ entries of the object."""
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].startswith("__ksymtab_") and \
                not parts[2].startswith("__ksymtab_strings"):
            syms.add(parts[2][len("__ksymtab_"):])
    if not syms:
        sys.exit("abi: %s exports nothing (is it pv_core.o?)" % obj)
    return sorted(syms)


def dump(obj, headers):
    """abidw of obj restricted to its exports and to the types of headers."""
    with tempfile.NamedTemporaryFile("w", suffix=".syms") as wl:
        wl.write("[pv_core_exports]\n")
        for s in symbols_of(obj):
            wl.write("  %s\n" % s)
        wl.flush()
        # pv_core.o, not pv_core.ko: libabigail 2.2 (bookworm) aborts in
        # its symtab reader on 6.1's .ko files; the .o has the same DWARF.
        res = subprocess.run(
            ["abidw", "--no-show-locs", "--no-corpus-path",
             "--type-id-style", "hash", "--kmi-whitelist", wl.name,
             "--headers-dir", headers, "--drop-private-types",
             "--load-all-types", obj],
            capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit("abi: abidw failed on %s:\n%s" % (obj, res.stderr))
    root = ET.fromstring(res.stdout)
    # Absolute paths differ between checkouts; they are not ABI.
    for instr in root.iter("abi-instr"):
        instr.attrib.pop("path", None)
        instr.attrib.pop("comp-dir-path", None)
    macros = ET.SubElement(root, "pv-macros")
    for name, value in sorted(header_macros(headers).items()):
        ET.SubElement(macros, "pv-macro", name=name, value=value)
    enums = ET.SubElement(root, "pv-enums")
    for name, values in sorted(header_enums(headers).items()):
        el = ET.SubElement(enums, "pv-enum", name=name)
        for e, v in values.items():
            ET.SubElement(el, "pv-enumerator", name=e, value=str(v))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


# The model: what the policy compares, independent of type ids and of the
# order abidw writes things in.

class Model:
    def __init__(self, text):
        root = ET.fromstring(text)
        self.types = {}
        for el in root.iter():
            tid = el.get("id")
            if tid is None:
                continue
            old = self.types.get(tid)
            # A declaration-only copy never hides the definition.
            if old is None or old.get("is-declaration-only") == "yes":
                self.types[tid] = el
        self.functions, self.variables = {}, {}
        exported = {s.get("name") for s in root.iter("elf-symbol")}
        for fn in root.iter("function-decl"):
            name = fn.get("name")
            if name in exported:
                self.functions[name] = self.fn_sig(fn)
        for var in root.iter("var-decl"):
            name = var.get("name")
            if name in exported and var.get("elf-symbol-id"):
                self.variables[name] = self.tstr(var.get("type-id"))
        self.structs, self.enums = {}, {}
        for el in self.types.values():
            name = el.get("name") or ""
            if not name.startswith("pv_"):
                continue
            if el.tag in ("class-decl", "union-decl") and \
                    el.get("is-declaration-only") != "yes":
                self.structs[name] = self.aggregate(el)
            elif el.tag == "enum-decl":
                self.enums[name] = {
                    e.get("name"): int(e.get("value"))
                    for e in el.findall("enumerator")}
        self.macros = {m.get("name"): m.get("value")
                       for m in root.iter("pv-macro")}
        # The headers' own enums, whether or not the debug info kept them.
        for el in root.iter("pv-enum"):
            self.enums[el.get("name")] = {
                e.get("name"): int(e.get("value"))
                for e in el.findall("pv-enumerator")}

    def fn_sig(self, el):
        params = [self.tstr(p.get("type-id")) for p in el.findall("parameter")
                  if p.get("type-id")]
        if any(p.get("is-variadic") == "yes" for p in el.findall("parameter")):
            params.append("...")
        ret = el.find("return")
        return "%s (%s)" % (self.tstr(ret.get("type-id")) if ret is not None
                            else "void", ", ".join(params))

    def by_value_kernel(self, tid):
        """Is this a structure outside include/pv/, held by value?"""
        el = self.types.get(tid)
        while el is not None and el.tag in ("typedef-decl",
                                            "qualified-type-def",
                                            "array-type-def"):
            el = self.types.get(el.get("type-id"))
        return el is not None and el.tag in ("class-decl", "union-decl") and \
            not (el.get("name") or "").startswith("pv_") and \
            el.get("is-anonymous") != "yes"

    def aggregate(self, el):
        """(kind, size, members): member = (name, type, offset, ...).

        Offsets and sizes that depend on a kernel structure held by value
        (struct device in struct pv_device) are None: they change with the
        kernel, not with the pv ABI, and the member order still fixes the
        layout."""
        kind = "union" if el.tag == "union-decl" else "struct"
        members, fixed = [], True
        for dm in el.findall("data-member"):
            var = dm.find("var-decl")
            tid = var.get("type-id")
            off = dm.get("layout-offset-in-bits")
            members.append((var.get("name"), self.tstr(tid),
                            int(off) if fixed and off is not None else None))
            if self.by_value_kernel(tid):
                fixed = False
        size = el.get("size-in-bits")
        return (kind, int(size) if fixed and size else None, tuple(members))

    def tstr(self, tid, depth=0):
        el = self.types.get(tid)
        if el is None:
            return "void" if tid in (None, "type-id-void") else "?" + tid
        tag = el.tag
        if tag in ("type-decl", "typedef-decl"):
            return el.get("name")
        if tag == "pointer-type-def":
            return self.tstr(el.get("type-id"), depth) + " *"
        if tag == "qualified-type-def":
            q = " ".join(k for k in ("const", "volatile", "restrict")
                         if el.get(k) == "yes")
            return q + " " + self.tstr(el.get("type-id"), depth)
        if tag == "array-type-def":
            sub = el.find("subrange")
            n = sub.get("length") if sub is not None else "?"
            return "%s[%s]" % (self.tstr(el.get("type-id"), depth), n)
        if tag in ("class-decl", "union-decl"):
            kind = "union" if tag == "union-decl" else "struct"
            if el.get("is-anonymous") == "yes" and depth < 4:
                return ("anon", kind, el.get("size-in-bits"),
                        self.aggregate(el)[2]).__repr__()
            return "%s %s" % (kind, el.get("name"))
        if tag == "enum-decl":
            return "enum " + el.get("name")
        if tag == "function-type":
            return "fn " + self.fn_sig(el)
        return tag + ":" + (el.get("name") or tid)


def anon_members(tstring):
    """Members of an anonymous aggregate's type string, or None."""
    if not tstring.startswith("('anon'"):
        return None
    return eval(tstring)  # our own repr of a tuple of str/int/None


def compare(old, new):
    """Return (compatible, incompatible) lists of changes from old to new."""
    comp, incomp = [], []

    def keyed(kind, a, b, same):
        for name in sorted(a):
            if name not in b:
                incomp.append("%s %s removed" % (kind, name))
            elif not same(name, a[name], b[name]):
                pass
        for name in sorted(set(b) - set(a)):
            comp.append("%s %s added" % (kind, name))

    def same_value(kind):
        def f(name, a, b):
            if a != b:
                incomp.append("%s %s changed: %s -> %s" % (kind, name, a, b))
            return a == b
        return f

    keyed("function", old.functions, new.functions, same_value("function"))
    keyed("variable", old.variables, new.variables, same_value("variable"))
    keyed("macro", old.macros, new.macros, same_value("macro"))

    def enum_same(name, a, b):
        for e, v in a.items():
            if e not in b:
                incomp.append("enum %s: %s removed" % (name, e))
            elif b[e] != v and not e.endswith("_MAX"):
                incomp.append("enum %s: %s renumbered %d -> %d" %
                              (name, e, v, b[e]))
        for e in sorted(set(b) - set(a)):
            if b[e] in [v for k, v in a.items() if not k.endswith("_MAX")]:
                incomp.append("enum %s: %s reuses value %d" % (name, e, b[e]))
            else:
                comp.append("enum %s: %s = %d added" % (name, e, b[e]))
        return True

    keyed("enum", old.enums, new.enums, enum_same)

    def member_change(sname, i, om, nm):
        """Compatible description, or None when incompatible."""
        oname, otype, ooff = om
        nname, ntype, noff = nm
        if oname.startswith("pv_reserved"):
            anon = anon_members(ntype)
            if anon and anon[1] == "union" and ooff == noff and \
                    any(m[0] == oname and m[1] == otype for m in anon[3]):
                used = [m[0] for m in anon[3] if m[0] != oname]
                return "struct %s: reserved %s now holds %s" % (
                    sname, oname, ", ".join(used))
        ao, an = anon_members(otype), anon_members(ntype)
        if ao and an and ao[1] == an[1] == "union" and ao[2] == an[2] and \
                ooff == noff and set(ao[3]) <= set(an[3]) and oname == nname:
            added = [m[0] for m in an[3] if m not in ao[3]]
            return "struct %s: union %s gains %s" % (
                sname, oname or "(anonymous)", ", ".join(added))
        return None

    def struct_same(name, a, b):
        okind, osize, omem = a
        nkind, nsize, nmem = b
        if okind != nkind:
            incomp.append("%s %s became a %s" % (okind, name, nkind))
            return False
        for i, om in enumerate(omem):
            if i >= len(nmem):
                incomp.append("struct %s: member %s removed" % (name, om[0]))
                continue
            nm = nmem[i]
            if om == nm:
                continue
            why = member_change(name, i, om, nm)
            if why:
                comp.append(why)
            else:
                incomp.append("struct %s: member %d was %s %s at %s, is %s %s at %s"
                              % (name, i, om[1], om[0], om[2],
                                 nm[1], nm[0], nm[2]))
        extra = nmem[len(omem):]
        if extra:
            names = ", ".join(m[0] for m in extra)
            if name in APPENDABLE:
                comp.append("struct %s: %s appended" % (name, names))
            else:
                incomp.append("struct %s: %s added to a structure of fixed "
                              "size (use PV_ABI_USE on a reserved member)"
                              % (name, names))
        elif osize is not None and nsize is not None and osize != nsize:
            incomp.append("struct %s: size %d -> %d bits" %
                          (name, osize, nsize))
        return True

    keyed("struct", old.structs, new.structs, struct_same)
    return comp, incomp


def version_of(path):
    m = re.match(r"pv-(\d+)\.(\d+)\.xml$", os.path.basename(path))
    return (int(m.group(1)), int(m.group(2))) if m else None


def representations(abi_dir):
    reps = []
    for name in os.listdir(abi_dir):
        v = version_of(name)
        if v:
            reps.append((v, os.path.join(abi_dir, name)))
    return sorted(reps)


def fmt(v):
    return "%d.%d" % v


def report(title, changes):
    print(title)
    for c in changes:
        print("  " + c)


def cmd_check(args, text=None):
    version = tree_version(args.headers)
    build = Model(text or dump(args.object, args.headers))
    reps = representations(args.abi_dir)
    failed = False
    for v, path in reps:
        if v[0] != version[0] or v > version:
            continue
        comp, incomp = compare(Model(open(path).read()), build)
        if incomp:
            report("abi-check: FAILED: incompatible with pv ABI %s (%s); "
                   "the policy needs a new major (PV_ABI_MAJOR %d, "
                   "PV_ABI_MINOR 0) and make abi-update:" %
                   (fmt(v), path, version[0] + 1), incomp)
            failed = True
        elif v == version and comp:
            report("abi-check: FAILED: compatible changes since pv ABI %s; "
                   "bump PV_ABI_MINOR to %d and run make abi-update:" %
                   (fmt(v), version[1] + 1), comp)
            failed = True
    current = os.path.join(args.abi_dir, "pv-%s.xml" % fmt(version))
    if not os.path.exists(current):
        print("abi-check: FAILED: no representation of pv ABI %s (%s): "
              "run make abi-update" % (fmt(version), current))
        failed = True
    if failed:
        return 1
    print("abi-check: pv ABI %s: the build matches %s" %
          (fmt(version), current))
    return 0


def cmd_update(args):
    version = tree_version(args.headers)
    text = dump(args.object, args.headers)
    build = Model(text)
    current = os.path.join(args.abi_dir, "pv-%s.xml" % fmt(version))
    for v, path in representations(args.abi_dir):
        if v[0] != version[0] or v > version:
            continue
        comp, incomp = compare(Model(open(path).read()), build)
        if incomp:
            report("abi-update: refused: incompatible with pv ABI %s; "
                   "bump PV_ABI_MAJOR:" % fmt(v), incomp)
            return 1
        if v == version and comp and not args.force:
            report("abi-update: refused: pv ABI %s is released with another "
                   "ABI; bump PV_ABI_MINOR (or --force before its release):"
                   % fmt(v), comp)
            return 1
    with open(current, "w") as f:
        f.write(text)
    print("abi-update: wrote %s" % current)
    return 0


def cmd_diff(args):
    comp, incomp = compare(Model(open(args.old).read()),
                           Model(open(args.new).read()))
    report("compatible:", comp)
    report("incompatible:", incomp)
    return 1 if incomp else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("dump", "check", "update"):
        p = sub.add_parser(name)
        p.add_argument("--object", required=True)
        p.add_argument("--headers", required=True)
        if name == "dump":
            p.add_argument("-o", dest="output")
        else:
            p.add_argument("--abi-dir", required=True)
        if name == "update":
            p.add_argument("--force", action="store_true")
    p = sub.add_parser("diff")
    p.add_argument("old")
    p.add_argument("new")
    args = ap.parse_args()
    if args.cmd == "dump":
        text = dump(args.object, args.headers)
        if args.output:
            open(args.output, "w").write(text)
        else:
            sys.stdout.write(text)
        return 0
    return {"check": cmd_check, "update": cmd_update,
            "diff": cmd_diff}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
