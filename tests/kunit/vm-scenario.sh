# Guest side of the KUnit run: load every *_test module (their suites run
# at load time), then print the kernel log between markers for the host to
# parse as KTAP (tests/kunit/ktap.py).
#@ kernel: kunit
#@ extra: project
#@ timeout: 600

kv=$(uname -r)
tests=$(cd /lib/modules/$kv/updates && ls *_test.ko 2>/dev/null | sed 's/\.ko$//')
check test_modules_present test -n "$tests"
for m in $tests; do
	check "load_$m" modprobe "$m"
done
echo "KTAP-LOG-BEGIN" >"$PVTEST_CONSOLE"
dmesg >"$PVTEST_CONSOLE"
echo "KTAP-LOG-END" >"$PVTEST_CONSOLE"
for m in $tests; do
	check "unload_$m" rmmod "$m"
done
