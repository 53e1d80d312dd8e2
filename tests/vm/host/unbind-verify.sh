#!/bin/bash
# Host side of 52-vmi-unbind-io: after the VM, every block a writer saw
# complete (O_DIRECT, before the adapter was unbound under it) must be in
# the image, with the writer's own pattern (one 64 KiB block, repeated).
#   unbind-verify.sh WORK
# The guest prints "PVTEST NOTE written round=R writer=W offset_mib=O blocks=K"
# (64 KiB blocks) into the scenario log, WORK/../<scenario>.log.
set -uo pipefail

work=${1:?usage: unbind-verify.sh WORK}
log=${work%.d}.log
img=$work/disk0.img

# pattern TAG LINES: the guest's pattern (32-byte lines).
pattern() { awk -v tag="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%-10.10s %020d\n", tag, i }'; }

n=0 bad=0
while read -r r w off k; do
	n=$((n + 1))
	[ "$k" -gt 0 ] || continue
	want=$(for _ in $(seq 1 "$k"); do pattern "r${r}w${w}" 2048; done | sha256sum | cut -d' ' -f1)
	got=$(dd if="$img" bs=64k skip=$((off * 16)) count="$k" status=none | sha256sum | cut -d' ' -f1)
	if [ "$want" != "$got" ]; then
		echo "FAIL host_has_round${r}_writer${w}: the $k blocks it wrote at $off MiB are not in the image"
		bad=$((bad + 1))
	fi
done < <(tr -d '\r' <"$log" | sed -n 's/.*PVTEST NOTE written round=\([0-9]*\) writer=\([0-9]*\) offset_mib=\([0-9]*\) blocks=\([0-9]*\).*/\1 \2 \3 \4/p')
if [ "$n" -eq 0 ]; then
	echo "FAIL host_has_completed_writes: no writer reported anything"
elif [ "$bad" -eq 0 ]; then
	echo "PASS host_has_completed_writes"
	echo "NOTE $n writers checked, every completed block in the image"
fi
