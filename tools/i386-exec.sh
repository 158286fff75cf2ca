#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Does this machine's kernel execute i386 (32-bit x86) programs? Some amd64
# kernels do not (no IA32 emulation, or it is disabled at boot): every i386
# program then fails with "Exec format error" (ENOEXEC), although the i386 build
# itself works. The checks that run an i386 program (the i386 unit tests, the
# 32-bit consumer and sample application) are then skipped, not failed.
#
#   tools/i386-exec.sh
#
# Prints one word and exits with it:
#   yes      (0) the kernel runs i386 programs
#   no       (1) it refuses them with ENOEXEC
#   unknown  (2) the probe could not be built or started for another reason
#                (no gcc -m32, a noexec temporary directory...); callers run
#                the i386 checks then, as if "yes", so that nothing skips
#                without proof.
# The probe is a tiny static i386 program, built with gcc -m32 (no C library,
# so it needs neither gcc-multilib nor the i386 runtime libraries), that only
# calls exit(0): it tests the kernel and nothing else.
#
# LTTNG_I386_EXEC=yes|no skips the probe: .ci/run and run-oracle-split.sh probe
# once and export the answer to everything they start.
set -u

answer() {
	echo "$1"
	case $1 in
	yes) exit 0 ;;
	no) exit 1 ;;
	*) exit 2 ;;
	esac
}

case ${LTTNG_I386_EXEC:-} in
yes | no) answer "$LTTNG_I386_EXEC" ;;
esac

work=$(mktemp -d) || answer unknown
trap 'rm -rf "$work"' EXIT
# _start: the exit system call (1) with status 0, through int $0x80.
cat >"$work/probe.c" <<'EOF'
void _start(void)
{
	__asm__ volatile("movl $1, %eax\n\txorl %ebx, %ebx\n\tint $0x80");
}
EOF
if ! gcc -m32 -nostdlib -static -no-pie -o "$work/probe" "$work/probe.c" 2>/dev/null; then
	answer unknown
fi
# Python tells ENOEXEC from the other reasons a program does not start (a shell
# says 126 for ENOEXEC and EACCES alike).
result=$(/usr/bin/python3 - "$work/probe" <<'EOF'
import errno, subprocess, sys
try:
    rc = subprocess.run([sys.argv[1]]).returncode
except OSError as e:
    print("no" if e.errno == errno.ENOEXEC else "unknown")
else:
    print("yes" if rc == 0 else "unknown")
EOF
)
answer "${result:-unknown}"
