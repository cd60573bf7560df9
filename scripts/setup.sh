#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for cbcc: packages, kernel header links,
# tracefs/debugfs mounts. Idempotent; run as root.
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "setup.sh: must run as root" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
PKGS=(build-essential cmake pkg-config clang clang-format llvm libclang-rt-dev
      libbpfcc-dev libbpf-dev libelf-dev libcapstone-dev zlib1g-dev linux-headers-amd64
      bpfcc-tools libbpf-tools bpftrace bpftool systemtap-sdt-dev python3 procps util-linux
      qemu-system-x86 linux-image-amd64 busybox-static kmod
      libmicrohttpd-dev prometheus curl)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	# The tests start Prometheus servers of their own: the package's service,
	# started on install under systemd, is not wanted.
	if [[ " ${missing[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
		systemctl disable --now prometheus.service || true
	fi
fi

# A second kernel for the VM (tests/vm/run-in-vm, bench/vm-funccount-bench):
# Debian 12's 6.12, which has kprobe_multi links (CONFIG_FPROBE) where the
# 6.1 kernel has not. Unpacked under /var/cache/cbcc, never installed on
# the host (no /boot, bootloader or initramfs changes).
vmk=/var/cache/cbcc/vm-kernel-6.12
if [ ! -f "$vmk/.ready" ]; then
	pkg=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null | awk '/Depends: linux-image-6\.12\./ { print $2; exit }')
	if [ -z "$pkg" ]; then
		apt-get update -q
		pkg=$(apt-cache depends linux-image-6.12-amd64 | awk '/Depends: linux-image-6\.12\./ { print $2; exit }')
	fi
	[ -n "$pkg" ] || { echo "setup.sh: no linux-image-6.12 package in the apt sources" >&2; exit 1; }
	dl=$(mktemp -d)
	(cd "$dl" && chown _apt "$dl" 2>/dev/null; apt-get download -q "$pkg")
	rm -rf "$vmk"
	mkdir -p "$vmk"
	dpkg -x "$dl"/linux-image-*.deb "$vmk"
	rm -rf "$dl"
	depmod -b "$vmk" "${pkg#linux-image-}"
	touch "$vmk/.ready"
fi

# libbcc finds kernel headers through /lib/modules/$(uname -r)/{build,source}.
rel=$(uname -r)
amd64=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
common=$(ls -d /usr/src/linux-headers-*-common 2>/dev/null | sort -V | tail -1)
[ -n "$amd64" ] && [ -n "$common" ] || { echo "setup.sh: Debian kernel headers not found under /usr/src" >&2; exit 1; }
mkdir -p "/lib/modules/$rel"
[ -e "/lib/modules/$rel/build" ] || ln -sfn "$amd64" "/lib/modules/$rel/build"
[ -e "/lib/modules/$rel/source" ] || ln -sfn "$common" "/lib/modules/$rel/source"

mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
echo "setup.sh: ready (kernel $rel, headers $(basename "$amd64"))"
