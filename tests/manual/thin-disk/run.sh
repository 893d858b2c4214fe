#!/bin/sh
trap "" PIPE
set -e
R=$(cd ${R:-target/release} && pwd); B=/mnt/fsl-back; M=/mnt/fsl
PROG=${PROG:-/tmp/fsync_lost_bin \$M/data}
gcc -std=c99 -Wall -Wextra -I tests/c -I crates/tim-ffi/include -o /tmp/fsync_lost_bin \
    tests/manual/thin-disk/fsync_lost.c -L$R -ltim_ffi -Wl,-rpath,$R -lpthread
mkdir -p $B $M
mount -t tmpfs -o size=80m tmpfs $B
fallocate -l 64M $B/img
mkfs.ext4 -q -E nodiscard $B/img
fallocate -l 64M $B/img
mount -o loop${MOUNT_OPTS:+,$MOUNT_OPTS} $B/img $M
rm -f /tmp/fsl-go; mkfifo /tmp/fsl-go
eval "$PROG" < /tmp/fsl-go > /tmp/fsl-out 2>&1 &
exec 3>/tmp/fsl-go
until grep -q READY /tmp/fsl-out; do kill -0 $! || exit 1; sleep 0.1; done
sync
LOOP=$(losetup -j $B/img | cut -d: -f1)
BS=$(dumpe2fs -h $LOOP 2>/dev/null | awk '/^Block size:/{print $3}')
dumpe2fs $LOOP 2>/dev/null | awk '/^  Free blocks: [0-9]/{sub(/^  Free blocks: /,""); gsub(/, /,"\n"); print}' |
while read r; do s=${r%-*}; e=${r#*-}
  fallocate --punch-hole --offset $((s*BS)) --length $(((e-s+1)*BS)) $B/img; done
dd if=/dev/zero of=$B/fill bs=1M status=none 2>/dev/null || true
echo go >&3
until grep -q FAILED /tmp/fsl-out; do sleep 0.1; done
rm $B/fill
echo go >&3 2>/dev/null || true; exec 3>&-
wait || true; cat /tmp/fsl-out
umount $M; mount -o loop $B/img $M
if [ -n "$CHECK" ]; then eval "$CHECK" || true; else
  $R/tim --data-dir $M/data --user alice conv list 2>&1 | tail -3 || true
  $R/tim --data-dir $M/data --user alice doctor 2>&1 | tail -3 || true
fi
umount $M; umount $B; rm -f /tmp/fsl-go /tmp/fsl-out /tmp/fsync_lost_bin
