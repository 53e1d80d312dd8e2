# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper around the kernel's build system.
#
#   make                    build every module against the default kernel
#   make KVER=6.1.0-N-amd64 ... against /lib/modules/$(KVER)/build
#   make KDIR=/path/to/tree ... against a kernel tree or headers directory
#   make check              W=1 build and sparse (C=2); fails on any warning;
#                           then abi-check (PV_ABI_CHECK=0 leaves it out)
#   make style              checkpatch, where the kernel tree has it
#   make abi-check          pv_core's pv ABI against abi/pv-M.n.xml (abidw)
#   make abi-update         write abi/pv-M.n.xml for this tree's PV_ABI_*
#   make abi-doc            write docs/pv-abi.md from docs/src/pv-abi.md and
#                           the kernel-doc of include/pv/ and pv_core's exports
#   make install            modules_install into /lib/modules/$(KVER)/updates
#   make tests              also build the test-only modules (PV_TESTS=1)
#   make clean
#
# Default kernel: the running one if its headers are installed, otherwise
# the newest /lib/modules/*/build (a build host often runs another kernel).

SHELL := /bin/bash
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
		    $(lastword $(sort $(wildcard /lib/modules/*/build))))
PV_VERSION ?= $(shell $(CURDIR)/scripts/version.sh)

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) PV_VERSION=$(PV_VERSION)

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(KMAKE) modules

tests:
	$(KMAKE) PV_TESTS=1 modules

install: modules
	$(KMAKE) INSTALL_MOD_DIR=updates modules_install

# Any line from the compiler or sparse is a failure: a clean tree prints none.
# A build that fails, or prints any diagnostic, fails the check.
check:
	+$(KMAKE) PV_TESTS=1 clean >/dev/null
	+@set -o pipefail; $(KMAKE) PV_TESTS=1 W=1 modules 2>&1 | tee .check-w1.log || \
		{ echo "make check: W=1 build FAILED against $(KDIR)"; exit 1; }
	+@set -o pipefail; $(KMAKE) PV_TESTS=1 C=2 CF="-D__CHECK_ENDIAN__" modules 2>&1 | tee .check-sparse.log || \
		{ echo "make check: sparse build FAILED against $(KDIR)"; exit 1; }
	@if grep -iE 'warning:|error:|\*\*\*' .check-w1.log .check-sparse.log; then \
		echo "make check: FAILED (diagnostics above)"; exit 1; \
	else \
		echo "make check: W=1 and sparse clean against $(KDIR)"; \
	fi
ifneq ($(PV_ABI_CHECK),0)
	+$(MAKE) --no-print-directory abi-check
endif

style:
	@test -x $(KDIR)/scripts/checkpatch.pl || { echo "no checkpatch.pl in $(KDIR)" >&2; exit 1; }
	find modules include tests -name '*.[ch]' | xargs $(KDIR)/scripts/checkpatch.pl --no-tree --terse -f

# The pv ABI (docs/pv-abi.md, abi/README.md): needs abidw (abigail-tools).
ABI_ARGS = --object $(CURDIR)/modules/pv_core/pv_core.o \
	   --headers $(CURDIR)/include/pv --abi-dir $(CURDIR)/abi

abi-check: modules
	@command -v abidw >/dev/null || { echo "abi-check: needs abidw: apt-get install abigail-tools" >&2; exit 1; }
	python3 scripts/abi.py check $(ABI_ARGS)
	python3 scripts/abi-doc.py --check $(ABI_DOC_ARGS)

abi-update: modules
	@command -v abidw >/dev/null || { echo "abi-update: needs abidw: apt-get install abigail-tools" >&2; exit 1; }
	python3 scripts/abi.py update $(ABI_ARGS)

# The reference part of docs/pv-abi.md is the headers' kernel-doc, read by
# the target kernel's own scripts/kernel-doc (the headers package has it).
ABI_DOC_ARGS = --kernel-doc $(KDIR)/scripts/kernel-doc --top $(CURDIR) \
	       --source $(CURDIR)/docs/src/pv-abi.md --out $(CURDIR)/docs/pv-abi.md

abi-doc:
	python3 scripts/abi-doc.py $(ABI_DOC_ARGS)

clean:
	$(KMAKE) PV_TESTS=1 clean
	rm -f .check-w1.log .check-sparse.log

.PHONY: all modules tests install check style abi-check abi-update abi-doc clean
