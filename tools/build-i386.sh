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
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-i386}
shift || true

if [ -f "$dir/build.ninja" ]; then
	if ! python3 -c 'import json, sys
opts = json.load(open(sys.argv[1]))
sys.exit(not any(o["name"] == "consumerd32_only" and o["value"] is True for o in opts))' \
		"$dir/meson-info/intro-buildoptions.json" 2>/dev/null; then
		echo "build-i386.sh: $dir is not a 32-bit build (-Dconsumerd32_only=true)" >&2
		exit 1
	fi
	meson setup --reconfigure "$dir" "$repo" --werror "$@" >/dev/null
else
	meson setup "$dir" "$repo" --cross-file "$repo/meson/i386-linux.ini" \
		-Dconsumerd32_only=true --werror "$@" >/dev/null
fi
ninja -C "$dir"
if [ "${BUILD_I386_TESTS:-1}" != 0 ]; then
	meson test -C "$dir" --suite unit --print-errorlogs
fi
