package io.kvmportal.agent;

/**
 * An image in a host's store: its id (a lower-case UUID the agent chose), format, the size of the disk it
 * describes and of its file, and whether the agent keeps a kernel and initrd beside it to boot guests from.
 */
public record ImageFile(String imageId, ImageFormat format, long virtualBytes, long fileBytes,
                        boolean bootsFromKernel) {
}
