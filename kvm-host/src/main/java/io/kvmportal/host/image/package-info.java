/**
 * Disk images. Every uploaded file is hostile until proven otherwise: it must not make QEMU or
 * qemu-img open, read or write any file but itself. How an image flows:
 * <ol>
 * <li>An upload is written into the store's root-only {@code incoming/} directory.</li>
 * <li>{@link io.kvmportal.host.image.ImageInspector} checks it: a regular file with one link inside
 *     the store, the claimed format's own magic, then {@code qemu-img info -f <claimed>} (never a
 *     guessed format) under memory and CPU limits; it refuses backing files, external data files,
 *     oversized, encrypted or corrupt images with an {@link io.kvmportal.host.image.ImageRefusedException}
 *     naming the {@link io.kvmportal.host.image.ImageRefusedException.Reason}.</li>
 * <li>{@link io.kvmportal.host.image.ImageStore} renames it to a generated name, root:root 0444: a
 *     {@link io.kvmportal.host.image.BaseImage}, shared read-only by every guest built on it.</li>
 * <li>{@link io.kvmportal.host.image.GuestDisks} creates each guest's disk in its run directory (0700,
 *     the owner's): a qcow2 overlay on the base, or an empty qcow2 for an ISO install. qemu-img runs as
 *     the owner there, so nothing the owner plants in its directory (a symlink) can turn a root action
 *     against another file.</li>
 * </ol>
 */
package io.kvmportal.host.image;
