package io.kvmportal.agent;

/** What runs a guest's vCPUs. */
public enum Accelerator {
    KVM, TCG
}
