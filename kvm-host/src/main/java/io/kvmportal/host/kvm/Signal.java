package io.kvmportal.host.kvm;

/** The signals kvm-host sends to guest processes, with their x86-64 Linux numbers. */
public enum Signal {
    KILL(9),
    TERM(15),
    CONT(18),
    STOP(19);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
