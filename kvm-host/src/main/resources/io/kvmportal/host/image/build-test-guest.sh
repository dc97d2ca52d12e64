#!/bin/sh
# Builds kvm-portal's test guest from Debian bookworm packages only, into OUTDIR:
#   vmlinuz     kernel of linux-image-<ver>-cloud-amd64 (downloaded and unpacked, never installed)
#   initrd.gz   busybox-static, the virtio (blk, net) and ACPI modules, and /init: prints the banner
#               "=== PORTAL-TEST-GUEST READY ..." on ttyS0 and tty1, mounts /dev/vda at /data,
#               powers off on the ACPI power button (QMP system_powerdown), shells on both consoles
#   base.qcow2  16 MiB ext4 data disk (mode 0444, a base image: guests get overlays on top of it)
# Needs: apt-get, apt-cache, dpkg-deb, cpio, gzip, mkfs.ext4 (e2fsprogs), qemu-img. Root not needed.
# Usage: sh build-test-guest.sh OUTDIR
# The test helper caches the result under a hash of this file: any edit here rebuilds the guest.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$(realpath -m "$1")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
cd "$WORK"

# 1. Fetch the packages. apt-get update is slow and touches the host's lists, so only when needed.
kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}'
}
fetch() {
  KPKG=$(kernel_package)
  [ -n "$KPKG" ] && apt-get download -q "$KPKG" busybox-static >/dev/null 2>&1
}
if ! fetch; then
  echo "apt-get download failed; running apt-get update once" >&2
  apt-get update -q >/dev/null
  fetch || { echo "cannot download the kernel and busybox-static packages" >&2; exit 1; }
fi
dpkg-deb -x ./"$KPKG"_*.deb k
dpkg-deb -x ./busybox-static_*.deb bb
KVER=${KPKG#linux-image-}
cp k/boot/vmlinuz-"$KVER" "$OUT/vmlinuz"

# 2. The initramfs tree.
R=root
mkdir -p $R/bin $R/dev $R/proc $R/sys $R/data $R/tmp $R/lib/modules $R/etc/acpi/PWRF
cp bb/bin/busybox $R/bin/busybox
for applet in $(bb/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$R/bin/$applet"
done
# Load order matters: each module after the ones it depends on.
MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk failover net_failover virtio_net button evdev"
for m in $MODS; do
  f=$(find k/lib/modules/"$KVER" -name "$m.ko" | head -1)
  [ -n "$f" ] || { echo "module $m not found in $KPKG" >&2; exit 1; }
  cp "$f" $R/lib/modules/
done
echo "$MODS" > $R/etc/modules

# busybox acpid runs this on the power button event that QMP system_powerdown injects.
cat > $R/etc/acpi/PWRF/00000080 <<'GUEST'
#!/bin/sh
echo "ACPI power button: powering off" > /dev/console
umount /data 2>/dev/null; sync
poweroff -f
GUEST
chmod 755 $R/etc/acpi/PWRF/00000080

cat > $R/init <<'GUEST'
#!/bin/sh
export PATH=/bin ENV=/etc/profile
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /etc/modules); do insmod /lib/modules/$m.ko 2>/dev/null; done
# acpid before the banner: a test that sees the banner may send system_powerdown at once.
acpid -c /etc/acpi -l /tmp/acpid.log
BANNER="=== PORTAL-TEST-GUEST READY kernel $(uname -r) uptime $(cut -d' ' -f1 /proc/uptime)s ==="
for t in /dev/ttyS0 /dev/tty1; do echo "$BANNER" > $t; done
# Optional data disk (a per-guest overlay): count boots on it, so tests can see writes persist.
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.1; done
if [ -b /dev/vda ] && mount -t ext4 /dev/vda /data; then
  n=$(( $(cat /data/boots 2>/dev/null || echo 0) + 1 )); echo $n > /data/boots; sync
  for t in /dev/ttyS0 /dev/tty1; do
    echo "data disk /dev/vda mounted, boot #$n, id=$(cat /data/id 2>/dev/null)" > $t
  done
fi
hostname guest
for t in tty1 ttyS0; do
  ( while true; do setsid sh -c "exec sh -i </dev/$t >/dev/$t 2>&1"; sleep 1; done ) &
done
while true; do sleep 3600; done
GUEST
chmod 755 $R/init
echo 'export PS1="guest# "' > $R/etc/profile
echo 'root:x:0:0:root:/:/bin/sh' > $R/etc/passwd
(cd $R && find . | cpio -o -H newc --quiet | gzip -9) > "$OUT/initrd.gz"

# 3. The base data disk: ext4 filled from a directory, converted to qcow2 with explicit formats.
mkdir -p disk && echo base > disk/id && echo 0 > disk/boots
mkfs.ext4 -q -F -L data -d disk data.raw 16M
qemu-img convert -q -f raw -O qcow2 data.raw "$OUT/base.qcow2"
chmod 444 "$OUT/base.qcow2"
