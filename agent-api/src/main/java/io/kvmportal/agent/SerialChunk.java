package io.kvmportal.agent;

/** Bytes of a guest's serial log starting at {@code offset}, of a log {@code size} bytes long. */
public record SerialChunk(long offset, long size, byte[] bytes) {

    /** Where the next read continues. */
    public long next() {
        return offset + bytes.length;
    }
}
