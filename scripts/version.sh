#!/bin/sh
# Print the pv-drivers version: `git describe` in a checkout, else the
# VERSION file (release tarballs and DKMS source trees carry one).
top=$(cd "$(dirname "$0")/.." && pwd)
if v=$(git -C "$top" describe --tags --always --dirty 2>/dev/null) && [ -n "$v" ]; then
	case $v in
	[0-9]*) ;;
	*) v="$(cat "$top/VERSION" 2>/dev/null || echo 0)+g$v" ;;
	esac
	echo "$v" | sed 's/^v//'
else
	cat "$top/VERSION" 2>/dev/null || echo 0
fi
