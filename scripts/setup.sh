#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for cbcc: packages, kernel header links,
# tracefs/debugfs mounts. Idempotent; run as root.
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "setup.sh: must run as root" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
PKGS=(build-essential cmake pkg-config clang clang-format llvm libclang-rt-dev
      libbpfcc-dev libbpf-dev libelf-dev libcapstone-dev zlib1g-dev linux-headers-amd64
      bpfcc-tools libbpf-tools bpftrace bpftool systemtap-sdt-dev python3 procps util-linux
      qemu-system-x86 linux-image-amd64 busybox-static
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
