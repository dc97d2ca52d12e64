package io.kvmportal.host.kvm;

/** An open /dev/kvm file descriptor: only the system ioctls a probe needs, no VM is created. */
final class KvmDevice implements AutoCloseable {
    static final long KVM_GET_API_VERSION = 0xAE00L;
    static final long KVM_CHECK_EXTENSION = 0xAE03L;
    static final int KVM_CAP_NR_VCPUS = 9;
    static final int KVM_CAP_MAX_VCPUS = 66;

    private final int fd;

    private KvmDevice(int fd) {
        this.fd = fd;
    }

    static KvmDevice open(String path) {
        return new KvmDevice(Posix.openReadWrite(path));
    }

    int apiVersion() {
        return Posix.ioctl(fd, KVM_GET_API_VERSION, 0);
    }

    /** 0 means "not supported"; for the vCPU capabilities a positive value is the count. */
    int checkExtension(int capability) {
        return Posix.ioctl(fd, KVM_CHECK_EXTENSION, capability);
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
