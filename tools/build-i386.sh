#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the 32-bit (i386) consumer daemon and sample application, and runs the
# unit tests of src/common and src/consumerd built for i386:
#
#   tools/build-i386.sh [BUILD_DIR] [MESON_SETUP_OPTION...]
#
# BUILD_DIR defaults to build-i386; the results are
#   BUILD_DIR/src/consumerd/lttng-consumerd          (--consumerd32-path)
#   BUILD_DIR/tests/apps/sample/lttng-sample-app     ($SAMPLE_APP32 of the oracle cases)
# Needs what tools/install-deps.sh installs (gcc-multilib, the i386 runtime
# libraries). Warnings are errors. Extra options go to `meson setup`, e.g.
# -Db_sanitize=address,undefined. Set BUILD_I386_TESTS=0 to skip the unit tests.
#
# On a kernel that cannot execute i386 programs (tools/i386-exec.sh), everything
# is still built, meson is told so (meson/i386-noexec.ini) and reports the i386
# unit tests as skipped, and one line says so.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-i386}
shift || true

cross=(--cross-file "$repo/meson/i386-linux.ini")
runs_i386=yes
if [ "$(bash "$repo/tools/i386-exec.sh")" = no ]; then
	runs_i386=no
	cross+=(--cross-file "$repo/meson/i386-noexec.ini")
fi

if [ -f "$dir/build.ninja" ]; then
	if ! python3 -c 'import json, sys
opts = json.load(open(sys.argv[1]))
sys.exit(not any(o["name"] == "consumerd32_only" and o["value"] is True for o in opts))' \
		"$dir/meson-info/intro-buildoptions.json" 2>/dev/null; then
		echo "build-i386.sh: $dir is not a 32-bit build (-Dconsumerd32_only=true)" >&2
		exit 1
	fi
	# A reconfiguration keeps the cross files of the first setup: when the
	# answer about i386 execution changed since (the tree moved to another
	# machine), set the directory up again with the right ones.
	had_noexec=no
	grep -q 'i386-noexec\.ini' "$dir/meson-private/cmd_line.txt" 2>/dev/null && had_noexec=yes
	if { [ "$runs_i386" = no ] && [ "$had_noexec" = no ]; } || { [ "$runs_i386" = yes ] && [ "$had_noexec" = yes ]; }; then
		meson setup --wipe "$dir" "$repo" "${cross[@]}" -Dconsumerd32_only=true --werror "$@" >/dev/null
	else
		meson setup --reconfigure "$dir" "$repo" --werror "$@" >/dev/null
	fi
else
	meson setup "$dir" "$repo" "${cross[@]}" -Dconsumerd32_only=true --werror "$@" >/dev/null
fi
ninja -C "$dir"
if [ "$runs_i386" = no ]; then
	echo "build-i386.sh: the i386 programs in $dir were built but cannot run on this kernel (Exec format error): their tests are skipped"
fi
if [ "${BUILD_I386_TESTS:-1}" != 0 ]; then
	meson test -C "$dir" --suite unit --print-errorlogs
fi
