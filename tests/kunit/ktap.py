#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""KTAP parser for KUnit results captured from a serial console.

Usage:
    ktap.py [LOG]          parse LOG (or stdin when LOG is absent or "-")
    ktap.py --selftest     run the built-in checks on embedded sample logs

Input: a console log in which kernel noise surrounds the KTAP output of one
or more KUnit test modules loaded one after another. Lines may carry a printk
prefix ("[    1.234567] ", optionally "[    T1] ", or a "<6>" level); it is
removed and the indentation after it is kept. Carriage returns and ANSI
colour codes are dropped.

Output (stdout): one line per test case, in the order suites finish,
    PASS suite.case | FAIL suite.case | SKIP suite.case
then the summary line
    kunit: N passed, N failed, N skipped
Diagnostics (crashed suites, missing results) go to stderr.

Structure: KUnit indents each nesting level by 4 spaces. Results at level 0
are suites (a module's "ok 1 suite" line), results at level 1 are test
cases, deeper ones are parameters. Only cases are counted: a suite's own
ok/not ok line is not a case.

Parameterised cases: the parent case is counted ONCE, with its own result
(KUnit makes it the aggregate of its parameters); the per-parameter lines
one level deeper are not counted. A crash part-way through the parameters
leaves the parent unreported, which the suite's plan catches (see below).

Accepted layouts (all seen in real kernels):
  - 6.6+: per module "KTAP version 1" + "1..N" at level 0, each suite as
    "    KTAP version 1" / "    # Subtest: name" / "    1..M" / cases /
    "ok 1 name" back at level 0;
  - 6.1: the same suite blocks but no per-module header (only the boot-time
    "KTAP version 1" / "1..0" of the built-in executor);
  - 5.x: "TAP version 14", no per-suite version line, "ok 1 - name";
  - a "# Subtest:" header at level 0 with its cases at level 1.

Directives: "# SKIP" (and "# TODO") after a result make it SKIP.

Exit status 1 when
  - any case failed;
  - a suite declared a plan (1..N) but fewer cases were reported before the
    suite ended (its result line, the next suite, the next KTAP header, or
    the end of the log - i.e. the kernel crashed or the log was cut): each
    missing case is counted as failed, named "suite.<missing>" (a suite that
    started but never printed a plan counts as one missing case; so does a
    suite that reported all its cases but never printed its own result line).
    A suite whose own line is "ok ... # SKIP" has its missing cases counted
    as skipped instead;
  - a module's plan (1..N suites at level 0) was not met: each missing suite
    counts as one failed case "<missing>.<missing>";
  - a suite reported "not ok" although none of its cases failed or went
    missing (counted as the failed case "suite.<suite>");
  - no KTAP was found at all, or it held no test case.
"""

import re
import sys

INDENT = 4

_PREFIX_RE = re.compile(
    r"^(?:<\d+>)?"                      # syslog level, as in /dev/kmsg dumps
    r"(?:\[\s*\d+\.\d+\]"               # printk time stamp
    r"(?:\[\s*[TC]\d+\])?"              # CONFIG_PRINTK_CALLER
    r" ?)?")
_ANSI_RE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_c])")
_VERSION_RE = re.compile(r"^(?:KTAP|TAP) version \d+\s*$")
_PLAN_RE = re.compile(r"^1\.\.(\d+)\b")
_SUBTEST_RE = re.compile(r"^# Subtest: (.+?)\s*$")
_RESULT_RE = re.compile(
    r"^(ok|not ok)\s+(\d+)\b(?:\s+-)?\s*(.*?)\s*$")


def _split_result(rest):
    """Split "name # DIRECTIVE reason" into (name, directive or None)."""
    name, _, comment = rest.partition("#")
    directive = None
    word = comment.strip().split(" ", 1)[0].upper() if comment else ""
    if word in ("SKIP", "TODO"):
        directive = "SKIP"
    return name.strip(), directive


class _Suite:
    def __init__(self, name=None):
        self.name = name
        self.plan = None
        self.cases = []          # (status, case name)
        self.has_version = False


class Parser:
    """Feed lines with feed(), then call finish(); read .results, .problems."""

    def __init__(self):
        self.results = []        # (status, "suite.case") in output order
        self.problems = []       # human-readable diagnostics
        self.found_ktap = False
        self.doc_plan = None     # suites announced by the current module
        self.doc_suites = 0      # suites ended in the current module
        self.suite = None        # the suite being reported, if any
        self.pending_name = None  # "# Subtest:" seen at level 0

    # -- line handling -------------------------------------------------
    @staticmethod
    def clean(line):
        line = _ANSI_RE.sub("", line.replace("\r", "").rstrip("\n"))
        line = _PREFIX_RE.sub("", line, count=1)
        return line.replace("\t", " " * 8).rstrip()

    def feed(self, raw):
        line = self.clean(raw)
        body = line.lstrip(" ")
        if not body:
            return
        level = (len(line) - len(body)) // INDENT

        if _VERSION_RE.match(body):
            self.found_ktap = True
            if level == 0:
                self._end_doc()
            elif level == 1:
                self._end_suite(None)
                self.suite = _Suite(self.pending_name)
                self.pending_name = None
                self.suite.has_version = True
            return

        m = _SUBTEST_RE.match(body)
        if m:
            self.found_ktap = True
            name = m.group(1)
            if level == 0:
                self._end_suite(None)
                self.pending_name = name
            elif level == 1:
                s = self.suite
                if s is not None and s.name is None and not s.cases:
                    s.name = name   # "KTAP version 1" came first
                else:
                    self._end_suite(None)
                    self.suite = _Suite(name)
                    self.pending_name = None
            return

        if not self.found_ktap:
            return

        m = _PLAN_RE.match(body)
        if m:
            n = int(m.group(1))
            if level == 0:
                if self.doc_plan is None:
                    self.doc_plan = n
            elif level == 1:
                if self.suite is None:
                    self.suite = _Suite(self.pending_name)
                    self.pending_name = None
                if self.suite.plan is None:
                    self.suite.plan = n
            return

        m = _RESULT_RE.match(body)
        if not m:
            return
        ok = m.group(1) == "ok"
        name, directive = _split_result(m.group(3))
        if level == 0:
            self._end_suite((ok, name, directive))
        elif level == 1:
            if self.suite is None:
                self.suite = _Suite(self.pending_name)
                self.pending_name = None
            status = "SKIP" if directive == "SKIP" else ("PASS" if ok else "FAIL")
            self.suite.cases.append((status, name or "case%s" % m.group(2)))
        # level >= 2: parameters of a parameterised case, not counted.

    # -- suite and module boundaries -----------------------------------
    def _end_suite(self, result):
        """End the current suite; result is (ok, name, directive) when the
        suite's own result line ended it, None when something else did."""
        s = self.suite
        self.suite = None
        if s is None and result is None:
            return
        if s is None:
            s = _Suite(self.pending_name)
        self.pending_name = None
        self.doc_suites += 1
        name = s.name or (result[1] if result and result[1] else "<unnamed>")
        for status, case in s.cases:
            self.results.append((status, "%s.%s" % (name, case)))

        reported = len(s.cases)
        if s.plan is not None:
            missing = max(s.plan - reported, 0)
        else:
            missing = 0 if result is not None else 1
        if result is None and missing == 0:
            missing = 1         # all cases in, but the suite never finished
        if missing:
            skipped = result is not None and result[0] and result[2] == "SKIP"
            status = "SKIP" if skipped else "FAIL"
            self.problems.append(
                "suite %s: %s, %d case(s) reported, %d counted as %s%s" % (
                    name,
                    "plan 1..%d" % s.plan if s.plan is not None else "no plan",
                    reported, missing, "skipped" if skipped else "failed",
                    "" if result is not None else
                    " (no result line for the suite: crashed or log cut?)"))
            self.results.extend([(status, "%s.<missing>" % name)] * missing)
        elif result is not None and not result[0] and \
                not any(st == "FAIL" for st, _ in s.cases):
            self.problems.append("suite %s: reported not ok with no failed case"
                                 % name)
            self.results.append(("FAIL", "%s.<suite>" % name))

    def _end_doc(self):
        self._end_suite(None)
        if self.doc_plan and self.doc_suites < self.doc_plan:
            missing = self.doc_plan - self.doc_suites
            self.problems.append(
                "module announced %d suite(s) but %d ran; %d counted as failed"
                % (self.doc_plan, self.doc_suites, missing))
            self.results.extend([("FAIL", "<missing>.<missing>")] * missing)
        self.doc_plan = None
        self.doc_suites = 0
        self.pending_name = None

    def finish(self):
        self._end_doc()
        return self

    # -- verdict ---------------------------------------------------------
    def counts(self):
        c = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        for status, _ in self.results:
            c[status] += 1
        return c["PASS"], c["FAIL"], c["SKIP"]

    def exit_status(self):
        _, failed, _ = self.counts()
        if not self.found_ktap or not self.results or failed:
            return 1
        return 0

    def report(self, out=sys.stdout, err=sys.stderr):
        for status, name in self.results:
            print("%s %s" % (status, name), file=out)
        for p in self.problems:
            print("ktap: %s" % p, file=err)
        if not self.found_ktap:
            print("ktap: no KTAP output found", file=err)
        elif not self.results:
            print("ktap: KTAP output found, but no test case", file=err)
        passed, failed, skipped = self.counts()
        print("kunit: %d passed, %d failed, %d skipped"
              % (passed, failed, skipped), file=out)
        return self.exit_status()


def parse(text):
    p = Parser()
    for line in text.splitlines():
        p.feed(line)
    return p.finish()


# ---------------------------------------------------------------------------
# Self-test

# 6.1 layout, as captured from QEMU (no per-module header; boot's 1..0).
_S_61_FAIL = """\
Booting from ROM..\x1bc\x1b[?7l\x1b[2J[    0.000000] Linux version 6.1.192-pvkunit
[    3.160118] on the kernel command line
[    3.172118] KTAP version 1
[    3.172118] 1..0
[    3.340129] Run /init as init process
pv-init: started at uptime 3.68 0.38
[    3.724153] pvdemo_test: loading out-of-tree module taints kernel.
[    3.736154]     KTAP version 1
[    3.736154]     # Subtest: pvdemo
[    3.736154]     1..2
[    3.740154]     ok 1 pvdemo_passes
[    3.752155]     # pvdemo_fails: EXPECTATION FAILED at /tmp/kt/mod/pvdemo_test.c:12
[    3.752155]     Expected 2 + 2 == 5, but
[    3.752155]         2 + 2 == 4
[    3.752155] \r
[    3.752155] deliberate failure
[    3.756155]     not ok 2 pvdemo_fails
[    3.756155] # pvdemo: pass:1 fail:1 skip:0 total:2
[    3.756155] # Totals: pass:1 fail:1 skip:0 total:2
[    3.756155] not ok 1 pvdemo
[    3.948167] reboot: Restarting system
"""

# 6.6+ layout, one module, all passing, a parameterised case.
_S_PASS = """\
Linux version 6.6.0 (root@host) #1 SMP
KTAP version 1
1..1
    KTAP version 1
    # Subtest: pv_core
    # module: pv_core_test
    1..3
    ok 1 pv_registry_accepts_backend
        KTAP version 1
        # Subtest: pv_parse_id
        ok 1 0x0
        ok 2 0xffff
        ok 3 bad
    # pv_parse_id: pass:3 fail:0 skip:0 total:3
    ok 2 pv_parse_id
    ok 3 pv_bus_match
# pv_core: pass:3 fail:0 skip:0 total:3
# Totals: pass:5 fail:0 skip:0 total:5
ok 1 pv_core
"""

_S_SKIP = """\
KTAP version 1
1..1
    KTAP version 1
    # Subtest: pv_xen
    1..3
    ok 1 pv_xen_parse_ring
    ok 2 pv_xen_needs_hypervisor # SKIP not running on Xen
    ok 3 pv_xen_bad_len
ok 1 pv_xen
"""

# Crash in the middle of a suite: 2 of 4 cases reported, then an oops.
_S_CRASH = """\
[    2.000000] KTAP version 1
[    2.000000] 1..1
[    2.000100]     KTAP version 1
[    2.000100]     # Subtest: pv_blk
[    2.000100]     1..4
[    2.000200]     ok 1 pv_blk_ring_empty
[    2.000300]     ok 2 pv_blk_ring_full
[    2.000400] BUG: kernel NULL pointer dereference, address: 0000000000000008
[    2.000400] Oops: 0000 [#1] PREEMPT SMP KASAN
[    2.000500] Kernel panic - not syncing: Fatal exception
"""

# Two modules loaded one after another (6.6 layout), second one fails.
_S_TWO = """\
KTAP version 1
1..1
    KTAP version 1
    # Subtest: first
    1..2
    ok 1 a
    ok 2 b
ok 1 first
random driver noise: ok 5 not a test line
KTAP version 1
1..2
    KTAP version 1
    # Subtest: second
    1..1
    not ok 1 c
not ok 1 second
    KTAP version 1
    # Subtest: third
    1..2
    ok 1 d
    ok 2 e # SKIP no device
ok 2 third
"""

# 5.x layout: TAP version 14, "ok N - name", no per-suite version line.
_S_OLD = """\
TAP version 14
1..1
    # Subtest: old
    1..2
    ok 1 - x
    not ok 2 - y
not ok 1 - old
"""

# A module announced two suites; the log ends after the first.
_S_DOC_SHORT = """\
KTAP version 1
1..2
    # Subtest: only
    1..1
    ok 1 z
ok 1 only
"""

# suite_init failed: a plan but no case at all.
_S_SUITE_INIT = """\
    KTAP version 1
    # Subtest: broken
    1..3
    # failed to initialize (-12)
not ok 1 broken
"""

# Header at level 0 with the cases one level deeper, params two deeper.
_S_FLAT = """\
KTAP version 1
1..1
# Subtest: flat
    1..2
    ok 1 p
        ok 1 p-1
        not ok 2 p-2
    not ok 2 q
not ok 1 flat
"""


def _strip_stamps(text):
    return "\n".join(re.sub(r"^\[\s*\d+\.\d+\] ?", "", l)
                     for l in text.splitlines())


def selftest():
    # name: (text, passed, failed, skipped, exit status, some expected lines)
    cases = {
        "6.1-fail-timestamped": (_S_61_FAIL, 1, 1, 0, 1,
                                 ["PASS pvdemo.pvdemo_passes",
                                  "FAIL pvdemo.pvdemo_fails"]),
        "6.1-fail-plain": (_strip_stamps(_S_61_FAIL), 1, 1, 0, 1,
                           ["FAIL pvdemo.pvdemo_fails"]),
        "pass-params": (_S_PASS, 3, 0, 0, 0,
                        ["PASS pv_core.pv_parse_id"]),
        "pass-timestamped": ("\n".join("[ %4d.%06d] %s" % (i, i, l) for i, l in
                                       enumerate(_S_PASS.splitlines())),
                             3, 0, 0, 0, ["PASS pv_core.pv_bus_match"]),
        "pass-caller-crlf": ("\r\n".join("[    1.000000][    T1] " + l for l in
                                         _S_PASS.splitlines()),
                             3, 0, 0, 0, ["PASS pv_core.pv_bus_match"]),
        "skip": (_S_SKIP, 2, 0, 1, 0,
                 ["SKIP pv_xen.pv_xen_needs_hypervisor"]),
        "crash-mid-suite": (_S_CRASH, 2, 2, 0, 1,
                            ["FAIL pv_blk.<missing>"]),
        "crash-then-reboot": (_S_CRASH + _S_SKIP, 4, 2, 1, 1,
                              ["FAIL pv_blk.<missing>", "PASS pv_xen.pv_xen_bad_len"]),
        "two-modules": (_S_TWO, 3, 1, 1, 1,
                        ["PASS first.a", "FAIL second.c", "SKIP third.e"]),
        "two-modules-61": (_S_61_FAIL + _strip_stamps(_S_SKIP).split("1..1\n", 1)[1],
                           3, 1, 1, 1, ["SKIP pv_xen.pv_xen_needs_hypervisor"]),
        "tap14-old": (_S_OLD, 1, 1, 0, 1, ["PASS old.x", "FAIL old.y"]),
        "module-plan-short": (_S_DOC_SHORT, 1, 1, 0, 1,
                              ["PASS only.z", "FAIL <missing>.<missing>"]),
        "suite-init-failed": (_S_SUITE_INIT, 0, 3, 0, 1,
                              ["FAIL broken.<missing>"]),
        "flat-header-params": (_S_FLAT, 1, 1, 0, 1,
                               ["PASS flat.p", "FAIL flat.q"]),
        "no-ktap": ("[    0.000000] Linux version 6.1.0\nok 1 not ktap\n",
                    0, 0, 0, 1, []),
        "ktap-no-cases": ("KTAP version 1\n1..0\n", 0, 0, 0, 1, []),
    }
    bad = 0
    for name, (text, np, nf, ns, rc, lines) in cases.items():
        p = parse(text)
        got = p.counts() + (p.exit_status(),)
        want = (np, nf, ns, rc)
        out = ["%s %s" % r for r in p.results]
        missing = [l for l in lines if l not in out]
        if got != want or missing:
            bad += 1
            print("selftest %s: FAILED: got (pass, fail, skip, rc) %s, want %s%s"
                  % (name, got, want,
                     "; lines missing: %s" % missing if missing else ""))
            for l in out + ["problem: " + x for x in p.problems]:
                print("    " + l)
        else:
            print("selftest %s: ok" % name)
    print("selftest: %d passed, %d failed" % (len(cases) - bad, bad))
    return 1 if bad else 0


def main(argv):
    if argv[1:] == ["--selftest"]:
        return selftest()
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")
                         and argv[1] != "-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if len(argv) == 2 and argv[1] != "-":
        with open(argv[1], "rb") as f:
            data = f.read()
    else:
        data = sys.stdin.buffer.read()
    p = Parser()
    for line in data.decode("utf-8", "replace").split("\n"):
        p.feed(line)
    return p.finish().report()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
