/**
 * QEMU: from a guest's spec to a running, watched process. How it flows:
 * <ol>
 * <li>{@link io.kvmportal.host.qemu.GuestSpec} holds validated values only (it reports every problem
 *     at once); the accelerator in it was chosen before, by {@code kvm.AcceleratorChoice}.</li>
 * <li>{@link io.kvmportal.host.qemu.QemuCommandLine} is the one place a spec becomes QEMU's argument
 *     list (golden-tested); {@link io.kvmportal.host.qemu.QemuLauncher} prefixes setsid and, for a
 *     guest owner's account, setpriv, logs the list and starts it: never a shell string.</li>
 * <li>{@link io.kvmportal.host.qemu.GuestProcess} finds the running QEMU through its run directory
 *     (QMP socket, pid file checked against the guest's uuid), after launch or after a portal
 *     restart, and notices its end by QMP end of stream confirmed in /proc.</li>
 * <li>{@link io.kvmportal.host.qemu.QmpClient} controls it: one reader thread routes replies by id and
 *     hands events to listeners; every call times out, so a SIGSTOPped QEMU cannot hang a caller.</li>
 * <li>{@link io.kvmportal.host.qemu.ProcessViews} shows the process from /proc: state (including
 *     "stopped by signal", which QMP cannot report), CPU, memory, threads, uptime.</li>
 * </ol>
 */
package io.kvmportal.host.qemu;
