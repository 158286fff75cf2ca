#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# i386-include.sh OUTDIR: makes OUTDIR a directory of symlinks to the top-level
# entries of /usr/include/x86_64-linux-gnu that liburcu-dev and liblttng-ust-dev
# install (urcu/, urcu*.h, lttng/). Run by meson.build at configure time for
# the 32-bit build (-Dconsumerd32_only=true): those headers are the same files
# in the i386 packages, which cannot be installed next to the amd64 ones, and
# `gcc -m32` does not search the amd64 multiarch directory (nor should it: the
# rest of it is amd64-only).
set -eu
out=$1
multiarch=/usr/include/x86_64-linux-gnu
entries=$(dpkg -L liburcu-dev liblttng-ust-dev | grep -E "^$multiarch/[^/]+\$") || {
	echo "i386-include.sh: liburcu-dev and liblttng-ust-dev must be installed" >&2
	exit 1
}
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
for entry in $entries; do
	ln -s "$entry" "$out.tmp/"
done
rm -rf "$out"
mv "$out.tmp" "$out"
