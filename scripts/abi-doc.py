#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""abi-doc.py: write docs/pv-abi.md from its prose and the headers' kernel-doc.

    abi-doc.py --kernel-doc KDIR/scripts/kernel-doc --source docs/src/pv-abi.md
               --out docs/pv-abi.md [--check]

The prose (policy, conventions, history) lives in the source file; every
line of it that reads

    <!-- kernel-doc include/pv/blk.h -->

is replaced by that header's kernel-doc (the kernel's own scripts/kernel-doc,
reStructuredText output) turned into Markdown. So what the reference says of
an op (who calls it, in which context, what it returns) is what the header
says, and the two cannot drift.

The pv ABI macros are spelled out before kernel-doc reads a header:
PV_ABI_EXTEND(decl) and PV_ABI_USE(n, decl) become decl (the member as a
module built for this minor sees it) and PV_ABI_RESERVE(n) disappears from
the member list (the reserved space is summed up in a note per structure).

--check writes nothing: exit 1, with a diff, when --out is not what would
be generated, or when kernel-doc warns (a member or parameter without its
description). Without --check, kernel-doc's warnings still fail the run.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r'^<!-- kernel-doc (\S+) -->$')


def balanced(text, start):
    """Index just past the parenthesis that closes the one at text[start]."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == '(':
            depth += 1
        elif text[i] == ')':
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError('unbalanced parentheses at %d' % start)


def spell_out(src):
    """The header with the pv ABI macros expanded as kernel-doc needs them.

    Returns the text and, per structure, how many reserved u64s it has.
    """
    out, i = [], 0
    reserved = {}
    macro = re.compile(r'PV_ABI_(EXTEND|USE|RESERVE)\(')
    while True:
        m = macro.search(src, i)
        if not m:
            out.append(src[i:])
            break
        # Definitions of the macros themselves stay as they are.
        line_start = src.rfind('\n', 0, m.start()) + 1
        if src[line_start:m.start()].lstrip().startswith('#'):
            out.append(src[i:m.end()])
            i = m.end()
            continue
        out.append(src[i:m.start()])
        end = balanced(src, m.end() - 1)
        args = src[m.end():end - 1]
        kind = m.group(1)
        if kind == 'EXTEND':
            out.append(args.strip() + ';')
        elif kind == 'USE':
            out.append(args.split(',', 1)[1].strip() + ';')
        else:
            struct = re.findall(r'struct (\w+) \{', src[:m.start()])
            name = struct[-1] if struct else '?'
            reserved[name] = reserved.get(name, 0) + 1
        # A trailing ';' after EXTEND/USE/RESERVE in the source is not there
        # (the macros supply their own), so nothing more to skip.
        i = end
    return ''.join(out), reserved


def run_kernel_doc(kernel_doc, text, name):
    """kernel-doc's reST of a header, or of the exports of a .c file."""
    mode = []
    if name.endswith('.c'):
        # pv_core exports through a macro of its own (namespace PV_CORE);
        # kernel-doc's -export knows the kernel's spelling only.
        text = re.sub(r'^PV_EXPORT_SYMBOL\((\w+)\);', r'EXPORT_SYMBOL_GPL(\1);',
                      text, flags=re.M)
        mode = ['-export']
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, os.path.basename(name))
        with open(path, 'w') as f:
            f.write(text)
        res = subprocess.run([kernel_doc, '-rst', '-sphinx-version', '3.0'] + mode +
                             [path], capture_output=True, text=True)
    warnings = [l.replace(path, name) for l in res.stderr.splitlines()
                if 'warning' in l.lower() and 'Sphinx version' not in l]
    if res.returncode not in (0,) and not res.stdout:
        sys.exit('abi-doc: kernel-doc failed on %s: %s' % (name, res.stderr))
    return res.stdout, warnings


def inline(text):
    """reST inline markup to Markdown."""
    text = re.sub(r'``([^`]+)``', r'`\1`', text)
    text = re.sub(r'\*\*([^*]+)\*\*', r'`\1`', text)   # parameter references
    text = re.sub(r':c:\w+:`([^`]+)`', r'`\1`', text)
    return text


def to_markdown(rst, reserved):
    """kernel-doc's reST for one header, as Markdown."""
    lines = rst.splitlines()
    md, i = [], 0
    current = None
    while i < len(lines):
        line = lines[i]
        if line.startswith('.. LINENO'):
            i += 1
            continue
        m = re.match(r'^\.\. c:(function|struct|union|enum|macro|type)::\s*(.*)$', line)
        if m:
            kind, what = m.groups()
            what = what.strip()
            if kind in ('struct', 'union', 'enum'):
                title = '%s %s' % (kind, what)
                current = what
            else:
                title = what
                current = None
            md.append('')
            md.append('### `%s`' % re.sub(r'\s+', ' ', title))
            md.append('')
            i += 1
            # The one-line purpose, indented under the directive.
            while i < len(lines) and (lines[i].startswith('   ') or not lines[i].strip()):
                if lines[i].strip():
                    md.append(inline(lines[i].strip()) + '.')
                i += 1
            continue
        if line.strip() == '::':
            # A literal block: the indented lines that follow.
            md.append('')
            md.append('```c')
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            while i < len(lines) and (lines[i].startswith('  ') or not lines[i].strip()):
                if lines[i].strip():
                    md.append(lines[i][2:])
                i += 1
            md.append('```')
            if current in reserved:
                md.append('')
                md.append('Reserved space after the last member: %d u64 (`PV_ABI_RESERVE`), '
                          'for a later minor (`PV_ABI_USE`).' % reserved[current])
            continue
        m = re.match(r'^\*\*(Parameters|Members|Constants|Description|Return|Context|Definition)\*\*$',
                     line.strip())
        if m:
            if m.group(1) != 'Definition':
                md.append('')
                md.append('*%s*' % m.group(1))
                md.append('')
            i += 1
            continue
        m = re.match(r'^``([^`]+)``$', line)
        if m:
            # A member, parameter or constant: the indented text that follows.
            text = []
            i += 1
            while i < len(lines) and lines[i].startswith('  '):
                text.append(lines[i].strip())
                i += 1
            md.append('- `%s`: %s' % (m.group(1), inline(' '.join(text))))
            continue
        md.append(inline(line.rstrip()))
        i += 1
    # Collapse runs of blank lines, and keep list items together.
    out = []
    for n, l in enumerate(md):
        if l == '' and out and out[-1] == '':
            continue
        if (l == '' and out and out[-1].startswith('- ') and
                n + 1 < len(md) and md[n + 1].startswith('- ')):
            continue
        out.append(l)
    while out and out[0] == '':
        out.pop(0)
    return '\n'.join(out).rstrip() + '\n'


def generate(args):
    warnings = []
    out = [
        '<!-- Generated by scripts/abi-doc.py from docs/src/pv-abi.md and the',
        '     kernel-doc of include/pv/*.h: edit those, then `make abi-doc`. -->',
        '',
    ]
    with open(args.source) as f:
        for line in f.read().splitlines():
            m = MARK.match(line.strip())
            if not m:
                out.append(line)
                continue
            name = m.group(1)
            with open(os.path.join(args.top, name)) as h:
                text, reserved = spell_out(h.read())
            rst, warn = run_kernel_doc(args.kernel_doc, text, name)
            warnings += warn
            out.append(to_markdown(rst, reserved).rstrip())
    return '\n'.join(out).rstrip() + '\n', warnings


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kernel-doc', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--top', default='.')
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()

    text, warnings = generate(args)
    for w in warnings:
        print('abi-doc: ' + w, file=sys.stderr)
    if args.check:
        try:
            with open(args.out) as f:
                have = f.read()
        except FileNotFoundError:
            have = ''
        if have != text:
            sys.stdout.writelines(difflib.unified_diff(
                have.splitlines(True), text.splitlines(True),
                args.out, args.out + ' (generated)', n=1))
            print('abi-doc: %s is not what the headers and %s say: run make abi-doc'
                  % (args.out, args.source), file=sys.stderr)
            return 1
        if warnings:
            print('abi-doc: the headers\' kernel-doc is incomplete (above)', file=sys.stderr)
            return 1
        print('abi-doc: %s matches the headers' % args.out)
        return 0
    with open(args.out, 'w') as f:
        f.write(text)
    if warnings:
        print('abi-doc: wrote %s, but the headers\' kernel-doc is incomplete (above)'
              % args.out, file=sys.stderr)
        return 1
    print('abi-doc: wrote %s' % args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
