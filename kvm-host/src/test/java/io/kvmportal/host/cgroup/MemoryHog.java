package io.kvmportal.host.cgroup;

import java.io.IOException;

/**
 * A child for the memory-limit test: waits for one line on stdin (sent after it joined its cgroup),
 * then touches the given number of MiB, page by page, and reports it survived.
 */
public final class MemoryHog {
    private MemoryHog() {
    }

    public static void main(String[] args) throws IOException {
        System.in.read();
        int mib = Integer.parseInt(args[0]);
        byte[][] blocks = new byte[mib][];
        for (int i = 0; i < mib; i++) {
            blocks[i] = new byte[1 << 20];
            for (int page = 0; page < blocks[i].length; page += 4096) {
                blocks[i][page] = 1;
            }
        }
        System.out.println("touched " + mib + " MiB");
    }
}
