package io.kvmportal.image;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;
import java.util.ArrayList;
import java.util.List;

/** {@code portal.images.*}: how large a published image may be, and where on the server images may come from. */
@ConfigurationProperties("portal.images")
public class ImageConfiguration {
    private long maxFileSize = 32L << 30;
    private long maxVirtualSize = 2L << 40;
    private List<String> importDirs = new ArrayList<>();

    /** Bytes an upload (or a file copied from the server) may have; more is refused while it arrives. */
    public long getMaxFileSize() {
        return maxFileSize;
    }

    public void setMaxFileSize(@ReadableBytes long maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    /** The largest disk an image may describe (qemu-img's virtual size): a tiny qcow2 can claim petabytes. */
    public long getMaxVirtualSize() {
        return maxVirtualSize;
    }

    public void setMaxVirtualSize(@ReadableBytes long maxVirtualSize) {
        this.maxVirtualSize = maxVirtualSize;
    }

    /**
     * Directories whose files an admin may publish by path; none but {@code <data-dir>/import} unless set. Only
     * these: a path anywhere would let a portal admin publish {@code /etc/shadow} or the portal's own database as a
     * raw disk and read it from a guest.
     */
    public List<String> getImportDirs() {
        return importDirs;
    }

    public void setImportDirs(List<String> importDirs) {
        this.importDirs = importDirs;
    }
}
