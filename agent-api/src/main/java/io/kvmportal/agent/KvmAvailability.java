package io.kvmportal.agent;

/** Whether /dev/kvm can be opened read-write. */
public enum KvmAvailability {
    ABSENT, NO_PERMISSION, PRESENT
}
