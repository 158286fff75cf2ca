#!/usr/bin/env bash
# Installs what building, testing and the demo need (Debian bookworm, as root).
# Debian's LTTng packages are the oracle our daemon is compared with.
#
# 32-bit applications are traced through a 32-bit consumer daemon: this also
# enables the i386 architecture, installs gcc-multilib and the i386 runtime
# libraries our 32-bit consumer and the 32-bit sample app link with (the i386
# -dev packages cannot be installed next to the amd64 ones; tools/build-i386.sh
# compiles against the amd64 headers, which are the same files), and extracts
# Debian's lttng-tools:i386 into $LTTNG_ORACLE_I386 (default
# /opt/lttng-oracle-i386) for the real daemon's 32-bit consumer,
# <dir>/usr/lib/i386-linux-gnu/lttng/libexec/lttng-consumerd.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
oracle_i386=${LTTNG_ORACLE_I386:-/opt/lttng-oracle-i386}

if ! dpkg --print-foreign-architectures | grep -qx i386; then
	dpkg --add-architecture i386
fi

# A mirror being synced serves an index whose size does not match its Release
# file ("Mirror sync in progress?"), often for one architecture only. The lists
# that did download are used; if something really is missing, the install below
# fails loudly.
if ! apt-get update; then
	echo "install-deps: apt-get update failed; retrying once" >&2
	sleep 5
	if ! apt-get update; then
		echo "install-deps: WARNING: apt-get update failed twice; going on with the package lists we have" >&2
	fi
fi

apt-get install -y --no-install-recommends \
	build-essential meson ninja-build pkg-config clang libclang-rt-14-dev \
	libsystemd-dev libxml2-dev libxml2-utils liblttng-ctl-dev liblttng-ust-dev liburcu-dev \
	lttng-tools liblttng-ust1 babeltrace2 python3 python3-lttng python3-bt2 \
	util-linux procps passwd gcc-multilib \
	libtracefs-dev libtraceevent-dev babeltrace python3-lttnganalyses \
	libelf-dev systemtap-sdt-dev

# The i386 runtime libraries. A library that is installed for both
# architectures ("Multi-Arch: same") must have the same version for both. When
# an i386 index failed to update above, the amd64 candidate of such a library
# can be a newer version than any i386 one (e.g. from bookworm-security) and
# apt gives up ("held broken packages"): then install both at the newest
# version available for both, and try again.
i386_libs=(liblttng-ust1:i386 liblttng-ust-ctl5:i386 liburcu8:i386 libnuma1:i386 libsystemd0:i386)
# aligned_pins PKG...: prints NAME=V NAME:i386=V for every package of the
# dependency closure of PKG... whose amd64 and i386 candidates differ while
# NAME is installed for amd64, V being the newest version both have, and
# PKG=V for the other installed packages of NAME's source at NAME's version
# (liblzma-dev next to liblzma5 requires that exact version: they move along
# rather than be removed).
aligned_pins() {
	local -a deps query
	local dep name src ver pkg best
	mapfile -t deps < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$@" | grep -E '^[^ <].*:i386$' | sort -u)
	for dep in "${deps[@]}"; do query+=("${dep%:i386}:amd64" "$dep"); done
	# One apt-cache call (each costs about a second): "pkg arch installed
	# candidate version..." per package.
	apt-cache policy "${query[@]}" | awk '
		function flush() { if (pkg != "") print pkg, arch, inst, cand, vers; vers = "" }
		/^[^ ]/ { flush(); pkg = $0; sub(/:$/, "", pkg); arch = "amd64"
			  if (pkg ~ /:i386$/) { arch = "i386"; sub(/:i386$/, "", pkg) } }
		/^  Installed: / { inst = $2 }
		/^  Candidate: / { cand = $2 }
		/^ (\*\*\*|   ) [^ ]+ [0-9]+$/ { vers = vers " " $(NF - 1) }
		END { flush() }' >"$work/policy"
	while read -r name _ inst cand_amd vers_amd; do
		[ "$inst" != "(none)" ] || continue
		read -r _ _ _ cand_i386 vers_i386 < <(awk -v n="$name" '$1 == n && $2 == "i386"' "$work/policy") || true
		if [ -z "$cand_i386" ] || [ "$cand_amd" = "$cand_i386" ]; then continue; fi
		best=""
		for ver in $vers_i386; do
			[[ " $vers_amd " == *" $ver "* ]] || continue
			if [ -z "$best" ] || dpkg --compare-versions "$ver" gt "$best"; then best=$ver; fi
		done
		[ -n "$best" ] || continue
		echo "$name=$best $name:i386=$best"
		src=$(dpkg-query -W -f='${source:Package}' "$name:amd64")
		for pkg in $(dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${source:Package} ${Version}\n' |
			awk -v s="$src" -v v="$inst" -v n="$name" '$1 == "ii" && $3 == s && $4 == v && $2 != n { print $2 }'); do
			echo "$pkg=$best"
		done
	done < <(awk '$2 == "amd64"' "$work/policy")
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! apt-get install -y --no-install-recommends "${i386_libs[@]}"; then
	pins=$(aligned_pins "${i386_libs[@]}")
	pins=${pins//$'\n'/ }
	echo "install-deps: retrying the i386 libraries with aligned versions: ${pins:-(none found)}" >&2
	# The aligned version is older than an installed amd64 one (e.g. liblzma5
	# from bookworm-security on an up-to-date machine): that is a downgrade, of a
	# test machine only (doc/decisions/0004-i386-consumer-build.md). The C
	# library is never moved: if it had to be, say so and stop.
	case " $pins " in
	*" libc6="*)
		echo "install-deps: the i386 libraries would need libc6 downgraded ($pins); not doing that" >&2
		exit 1
		;;
	esac
	# shellcheck disable=SC2086 # one word per pin
	apt-get install -y --no-install-recommends --no-remove --allow-downgrades "${i386_libs[@]}" $pins
fi

# The real 32-bit consumer daemon: the lttng-tools:i386 package of the same
# version as the installed (amd64) lttng-tools, unpacked, not installed (it
# cannot be co-installed). A stamp file records the version extracted.
version=$(dpkg-query -W -f='${Version}' lttng-tools)
stamp=$oracle_i386/.lttng-tools-version
if [ "$(cat "$stamp" 2>/dev/null)" != "$version" ] ||
	[ ! -x "$oracle_i386/usr/lib/i386-linux-gnu/lttng/libexec/lttng-consumerd" ]; then
	# apt-get download writes into the current directory, as user _apt when it can.
	chmod 0755 "$work"
	(cd "$work" && apt-get download "lttng-tools:i386=$version")
	mkdir "$work/root"
	dpkg-deb -x "$work"/lttng-tools_*_i386.deb "$work/root"
	echo "$version" >"$work/root/.lttng-tools-version"
	rm -rf "$oracle_i386.new"
	mkdir -p "$(dirname "$oracle_i386")"
	mv "$work/root" "$oracle_i386.new"
	rm -rf "$oracle_i386"
	mv "$oracle_i386.new" "$oracle_i386"
	echo "install-deps: Debian's lttng-tools:i386 $version extracted to $oracle_i386"
fi
