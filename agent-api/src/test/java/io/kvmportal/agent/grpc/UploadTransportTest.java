package io.kvmportal.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.StagedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StageImage streams: in chunks, as fast as the agent reads, and no further than the agent's refusal. */
class UploadTransportTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path directory;

    @Test
    void twentyMibArriveInChunks() {
        try (Wire wire = new Wire(directory)) {
            Source source = new Source(20 * MIB);
            assertEquals(new StagedImage("staged-" + 20 * MIB, 20 * MIB), wire.client.stageImage(source, 21 * MIB));
            assertEquals(20 * MIB, wire.agent.stagedBytes.get());
            assertTrue(wire.agent.largestRead.get() <= UploadSender.CHUNK_BYTES,
                    "one read of " + wire.agent.largestRead.get() + " bytes");
        }
    }

    @Test
    void anUploadOverItsLimitIsRefusedAndNotSentToTheEnd() {
        try (Wire wire = new Wire(directory)) {
            Source source = new Source(200 * MIB);
            HostRefusedException refused = assertThrows(HostRefusedException.class,
                    () -> wire.client.stageImage(source, MIB));
            assertEquals(RefusalKind.TOO_LARGE, refused.kind());
            assertEquals("The upload is larger than " + MIB + " bytes.", refused.getMessage());
            assertTrue(source.produced.get() < 32 * MIB, "the portal read " + source.produced.get() + " bytes");
        }
    }

    @Test
    void anAgentThatReadsSlowlyHoldsTheSenderBack() throws Exception {
        try (Wire wire = new Wire(directory)) {
            CountDownLatch gate = new CountDownLatch(1);
            wire.agent.uploadGate = gate;
            Source source = new Source(100 * MIB);
            CompletableFuture<StagedImage> upload = CompletableFuture.supplyAsync(
                    () -> wire.client.stageImage(source, 200 * MIB));
            for (int i = 0; i < 200 && wire.agent.stagedBytes.get() == 0; i++) {
                Thread.sleep(50);
            }
            // The agent holds after its first read; the sender goes on until flow control stops it.
            long before;
            int waits = 0;
            do {
                before = source.produced.get();
                Thread.sleep(300);
            } while (source.produced.get() != before && ++waits < 40);
            assertTrue(wire.agent.stagedBytes.get() > 0 && before < 16 * MIB, "sent " + before + " bytes ahead of"
                    + " an agent that read " + wire.agent.stagedBytes.get());
            gate.countDown();
            assertEquals(100 * MIB, upload.get(60, TimeUnit.SECONDS).bytes());
        }
    }

    @Test
    void anUploadThePortalCannotReadToTheEndIsRemovedBeforeTheCallFails() {
        try (Wire wire = new Wire(directory)) {
            InputStream cutOff = new InputStream() {
                private int sent;

                @Override
                public int read() throws java.io.IOException {
                    if (sent++ < 200_000) {
                        return 0;
                    }
                    throw new java.io.IOException("connection reset by peer");
                }
            };
            java.io.UncheckedIOException failed = assertThrows(java.io.UncheckedIOException.class,
                    () -> wire.client.stageImage(cutOff, 4 * MIB));
            assertTrue(failed.getMessage().contains("connection reset by peer"), failed.getMessage());
            assertEquals(1, wire.agent.brokenOffUploadsRemoved.get(),
                    "the agent had removed the broken-off upload when the portal heard of the failure");
        }
    }

    /** {@code size} bytes made as they are read, counting how many were read. */
    private static final class Source extends InputStream {
        final AtomicLong produced = new AtomicLong();
        private final long size;

        Source(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            long left = size - produced.get();
            if (left <= 0) {
                return -1;
            }
            int count = (int) Math.min(length, left);
            for (int i = 0; i < count; i++) {
                into[offset + i] = (byte) (produced.get() + i);
            }
            produced.addAndGet(count);
            return count;
        }
    }
}
