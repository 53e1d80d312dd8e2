#!/bin/sh
# Print the pv-drivers version, the one place every other version comes
# from (modinfo, dkms.conf, the deb and the rpms):
#  - in a checkout with a release tag: `git describe --tags` (v1.2.3-4-gabc -> 1.2.3-4-gabc);
#  - in a checkout without tags: VERSION+g<commit>[-dirty];
#  - elsewhere (release tarballs, DKMS source trees): the VERSION file.
top=$(cd "$(dirname "$0")/.." && pwd)
base=$(cat "$top/VERSION" 2>/dev/null || echo 0)
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	if v=$(git -C "$top" describe --tags --dirty 2>/dev/null); then
		echo "${v#v}"
	elif h=$(git -C "$top" describe --always --dirty 2>/dev/null); then
		echo "$base+g$h"
	else
		echo "$base"
	fi
else
	echo "$base"
fi
