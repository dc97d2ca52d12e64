package io.kvmportal.host.kvm;

/** Whether a process (or an account) can use /dev/kvm. */
public enum KvmAvailability {
    /** No /dev/kvm node: no KVM module loaded, or a container without the device. */
    ABSENT,
    /** The node exists but the process or account may not open it read-write. */
    NO_PERMISSION,
    /** Opened read-write and answered KVM_GET_API_VERSION. */
    PRESENT
}
