#!/bin/busybox sh
# PID 1 of the cbcc test VM's initramfs (built by tests/vm/run-in-vm).
# Loads the 9p/overlay modules, mounts the host's root read-only under a
# tmpfs overlay, runs the command file named by cbcc_run= on the kernel
# command line inside it, and reports the exit code on the console.
/bin/busybox --install -s /bin
export PATH=/bin

finish() {
	echo "@@cbcc-vm-exit=$1@@"
	sync
	poweroff -f
	sleep 10
}

die() {
	echo "cbcc-vm: $*"
	finish 125
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

for m in $(cat /modules.order); do
	insmod "/modules/$m" || die "cannot load module $m"
done

run=$(sed -n 's/.*cbcc_run=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$run" ] || die "no cbcc_run= on the kernel command line"

mkdir -p /lower /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /lower ||
	die "cannot mount the host root over 9p"
mount -t tmpfs -o size=75% tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	die "cannot mount the overlay root"

R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
mount -t tmpfs tmpfs $R/run
mount -t debugfs debugfs $R/sys/kernel/debug
mount -t tracefs tracefs $R/sys/kernel/tracing
mount -t bpf bpf $R/sys/fs/bpf 2>/dev/null
ifconfig lo 127.0.0.1 up

# libbcc finds the kernel headers through build/ and source/ links.
rel=$(uname -r)
mods=$R/lib/modules/$rel
mkdir -p "$mods"
[ -e "$mods/build" ] || ln -sfn "/usr/src/linux-headers-$rel" "$mods/build"
[ -e "$mods/source" ] || ln -sfn "/usr/src/linux-headers-${rel%-amd64}-common" "$mods/source"

# --rw-dir shares: "TAG PATH" lines, mounted read-write over PATH.
while read -r tag dir; do
	mkdir -p "$R$dir"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$tag" "$R$dir" ||
		die "cannot mount the shared directory $dir"
done <"$R$run/rw.list"

[ -r "$R$run/cmd.sh" ] || die "command file $run/cmd.sh not visible in the guest"
echo "@@cbcc-vm-begin@@"
chroot $R /bin/bash "$run/cmd.sh" </dev/null
finish $?
