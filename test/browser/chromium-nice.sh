#!/bin/sh
# Starts the test browser at a lower CPU priority (nice 10, which its processes and threads inherit). With software
# GL on a small machine Chromium takes more than a core, and the live server under test, at normal priority, must
# still read its socket and keep its 1 kHz clock: a starved server trips the 30 ms watchdog. Chromium sets its
# threads' priorities itself, which as root (CI) would undo the nice: without CAP_SYS_NICE it cannot raise them.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  exec setpriv --bounding-set -sys_nice --inh-caps -sys_nice nice -n 10 "$STEADYSIM_CHROMIUM" "$@"
fi
exec nice -n 10 "$STEADYSIM_CHROMIUM" "$@"
