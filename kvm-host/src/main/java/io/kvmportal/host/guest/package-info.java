/**
 * A guest's life on this host, over the {@code qemu} package. How it flows:
 * <ol>
 * <li>{@link io.kvmportal.host.guest.GuestSupervisor#start} clears what a previous run left in the run
 *     directory, launches QEMU (as the owner's account) and waits until QMP answers; a QEMU that dies first
 *     fails the start with the tail of its own log.</li>
 * <li>Every running guest is one {@link io.kvmportal.host.qemu.GuestProcess}, kept by uuid. Its end (power
 *     off, kill, crash) is noticed through QMP end of stream within a second and reported once to the
 *     supervisor's {@link io.kvmportal.host.guest.GuestExitListener}.</li>
 * <li>Commands (shut down, force off, pause, resume, reboot, screenshot) go over QMP with a timeout each, so
 *     a SIGSTOPped QEMU makes them fail, not hang; its state then reads "stopped by signal" from /proc.</li>
 * <li>A console's screen is handed to the portal as a connection QEMU serves
 *     ({@link io.kvmportal.host.guest.ScreenHandOver}): the host never relays a screen's bytes.</li>
 * <li>After a portal restart, {@link io.kvmportal.host.guest.GuestSupervisor#reattach} finds guests that
 *     kept running from their run directories; dead ones are reported stopped and their stale files go.</li>
 * </ol>
 */
package io.kvmportal.host.guest;
