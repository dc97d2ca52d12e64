/**
 * /dev/kvm through jnr-ffi: whether it exists, who may open it, what it supports, and from that which
 * accelerator a guest gets. The raw libc interface is package-private; {@link io.kvmportal.host.kvm.Posix}
 * turns every failed call into a {@link io.kvmportal.host.kvm.NativeCallException} with errno, call
 * and argument. Results are plain records and enums, to cross a process boundary later.
 */
package io.kvmportal.host.kvm;
