package io.kvmportal.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin publishes images in Chromium against the packaged jar: an upload with its progress bar, inspected by
 * kvm-host and listed; a file that is not what it claims to be, refused with the reason in words; a withdrawal.
 */
class ImageJourneyTest {
    private static final long MIB = 1L << 20;
    private static Journey journey;
    private static Path files;

    @BeforeAll
    static void startPortal() throws IOException {
        journey = Journey.start();
        files = Files.createTempDirectory("kvmptest-e2e-images-");
    }

    @AfterAll
    static void stop() throws IOException {
        if (journey != null) {
            journey.close();
        }
        try (Stream<Path> all = Files.walk(files)) {
            all.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @Test
    void theAdminUploadsAnImageWithAProgressBarAndARefusedImageShowsTheReason() throws IOException {
        Page page = journey.signedIn("admin", PortalProcess.ADMIN_PASSWORD, "/admin/images");
        ImagesPage images = new ImagesPage(page);
        // A local upload is over in an instant; at 4 MiB/s the progress bar is there to be seen.
        throttleUploads(page, 4 * MIB);

        images.openPublishDialog();
        images.describe("Tiny disk", "Linux");
        images.chooseFile(raw(files.resolve("tiny-disk.raw"), 24 * MIB));
        assertThat(images.progressBar()).isVisible();
        Journey.screenshot(page, "20-image-upload-progress");
        long onDiskMeanwhile = bytesArrivedSoFar();
        assertThat(images.received()).containsText("Received tiny-disk.raw", slow(60));
        assertTrue(onDiskMeanwhile > 0 && onDiskMeanwhile < 24 * MIB,
                "the upload is written to disk while it arrives, not held until it ends: " + onDiskMeanwhile);
        images.publish();
        assertThat(images.notification().last()).containsText("Published Tiny disk.");
        assertThat(images.status("Tiny disk")).containsText("Published");
        Journey.screenshot(page, "21-image-published");

        images.openPublishDialog();
        images.chooseFile(Files.writeString(files.resolve("holiday-notes.qcow2"), "Not a disk image at all.\n"));
        assertThat(images.received()).containsText("Received holiday-notes.qcow2", slow(30));
        images.describe("Holiday notes", "Linux");
        images.publish();
        assertThat(images.refusal()).containsText("Refused 'holiday-notes.qcow2': it is not a qcow2 image");
        Journey.screenshot(page, "22-image-refused");
        images.cancel();
        assertThat(images.status("Holiday notes")).isHidden();

        images.openPublishDialog();
        Path onServer = raw(journey.portal.portalDataDir().resolve("import").resolve("server-disk.raw"), 8 * MIB);
        images.chooseServerFile(onServer);
        images.describe("Server disk", "Linux");
        images.publish();
        assertThat(images.status("Server disk")).containsText("Published");
        assertTrue(Files.isRegularFile(onServer), "the server's file is copied, not moved");

        images.withdraw("Tiny disk");
        // No guest was made from it: its file goes at once, and the page says so.
        assertThat(images.status("Tiny disk")).containsText("Withdrawn · file deleted");
        Journey.screenshot(page, "23-image-withdrawn");
        page.context().close();
    }

    /** Bytes of an upload in the incoming area once some have arrived (0 if none did within 20 s). */
    private static long bytesArrivedSoFar() throws IOException {
        Path incoming = journey.portal.hostDataDir().resolve("images").resolve("incoming");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(incoming)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("upload-")).toList()) {
                    long size = Files.size(file);
                    if (size > 0) {
                        return size;
                    }
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        return 0;
    }

    private static void throttleUploads(Page page, long bytesPerSecond) {
        CDPSession devtools = page.context().newCDPSession(page);
        devtools.send("Network.enable");
        JsonObject conditions = new JsonObject();
        conditions.addProperty("offline", false);
        conditions.addProperty("latency", 0);
        conditions.addProperty("downloadThroughput", -1);
        conditions.addProperty("uploadThroughput", bytesPerSecond);
        devtools.send("Network.emulateNetworkConditions", conditions);
    }

    private static Path raw(Path file, long size) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(size);
        }
        return file;
    }

    private static LocatorAssertions.ContainsTextOptions slow(int seconds) {
        return new LocatorAssertions.ContainsTextOptions().setTimeout(seconds * 1000.0);
    }
}
