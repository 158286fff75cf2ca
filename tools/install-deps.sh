#!/usr/bin/env bash
# Installs what building, testing and the demo need (Debian bookworm, as root).
# Debian's LTTng packages are the oracle our daemon is compared with.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	build-essential meson ninja-build pkg-config clang libclang-rt-14-dev \
	libsystemd-dev libxml2-dev libxml2-utils liblttng-ctl-dev liblttng-ust-dev liburcu-dev \
	lttng-tools liblttng-ust1 babeltrace2 python3 python3-lttng python3-bt2 \
	util-linux procps passwd
