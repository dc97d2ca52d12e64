package io.kvmportal.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvmportal.account.AccountService;
import io.kvmportal.account.NewUser;
import io.kvmportal.account.Role;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.api.Actor;
import io.kvmportal.api.Fault;
import io.kvmportal.audit.AuditAction;
import io.kvmportal.audit.AuditEvent;
import io.kvmportal.audit.AuditLog;
import io.kvmportal.audit.AuditQuery;
import io.kvmportal.persistence.Sql;
import io.kvmportal.testing.DatabaseTest;
import io.kvmportal.testing.TestImageFiles;
import io.kvmportal.testing.TestRows;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publishing images through the catalog on every database, with real qemu-img inspection: what is accepted, every
 * refusal with its reason in the audit log, and no file left behind by any failure.
 */
abstract class ImagePublishingContract extends DatabaseTest {
    static final long MIB = 1L << 20;
    static final long MAX_FILE = 8 * MIB;
    @Inject
    AccountService accounts;
    @Inject
    ImageCatalog catalog;
    @Inject
    ImageUploads uploads;
    @Inject
    AuditLog audit;
    @Inject
    Cleaner cleaner;
    @Inject
    TestRows rows;
    Actor admin;
    Path work;
    Path importDir;

    @Singleton
    static class Cleaner {
        @Inject
        Sql sql;

        @Transactional
        void deleteImagesAndUsersBut(String login) {
            sql.update("DELETE FROM image");
            sql.update("DELETE FROM portal_user WHERE login <> ?", login);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.admin.password", "admin-password-1");
        properties.put("portal.images.demo", "false");
        properties.put("portal.images.max-file-size", Long.toString(MAX_FILE));
        properties.put("portal.images.max-virtual-size", Long.toString(4L << 30));
        try {
            work = Files.createTempDirectory("kvmptest-images-");
            importDir = Files.createDirectory(work.resolve("import"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        properties.put("portal.images.import-dirs", importDir.toString());
        return properties;
    }

    @AfterAll
    void removeWork() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    @BeforeEach
    void freshCatalog() {
        cleaner.deleteImagesAndUsersBut("admin");
        admin = accounts.checkPassword("admin", "admin-password-1").orElseThrow().actor();
    }

    @Test
    void acceptsQcow2RawAndIsoUploadsWithTheirSizesAndKinds() throws IOException {
        Image qcow2 = publishFile(TestImageFiles.qcow2(work.resolve("a.qcow2"), 3L << 30), meta("Debian 12", "qcow2"));
        Image raw = publishFile(TestImageFiles.raw(work.resolve("b.raw"), 2 * MIB), meta("Raw disk", "raw"));
        Image iso = publishFile(TestImageFiles.iso(work.resolve("c.iso")), meta("Installer", "iso"));

        assertEquals(ImageKind.DISK, qcow2.kind());
        assertEquals(3, qcow2.minDiskGib(), "a bootable disk needs at least its own size");
        assertEquals(ImageKind.DISK, raw.kind());
        assertEquals(2 * MIB, raw.virtualBytes());
        assertEquals(ImageKind.ISO, iso.kind());
        assertEquals("iso", iso.format());
        assertEquals(List.of("Debian 12", "Installer", "Raw disk"), catalog.list(admin).stream().map(Image::name).toList());
        assertTrue(Files.isRegularFile(agent().imageFile(catalog.storeId(iso.id()), iso.format())));
        assertIncomingEmpty();
        AuditEvent published = latest();
        assertTrue(published.success() && published.action() == AuditAction.IMAGE_PUBLISHED
                && published.targetId() == iso.id(), published.toString());
    }

    @Test
    void refusesWhatIsNotTheImageItClaimsToBeAndSaysWhy() throws IOException {
        Path text = Files.writeString(work.resolve("notes.txt"), "just some notes\n".repeat(65));
        assertRefused(Fault.INVALID_INPUT, "it is not a qcow2 image", () -> publishFile(text, meta("Notes", "qcow2")));
        assertRefused(Fault.INVALID_INPUT, "not a whole number of 512-byte sectors",
                () -> publishFile(text, meta("Notes", "raw")));
        Path backed = TestImageFiles.qcow2(work.resolve("backed.qcow2"), MIB, "-b", "/etc/passwd", "-F", "raw");
        assertRefused(Fault.INVALID_INPUT, "refers to a backing file", () -> publishFile(backed, meta("Passwd", "qcow2")));
        Path qcow2 = TestImageFiles.qcow2(work.resolve("q.qcow2"), MIB);
        assertRefused(Fault.INVALID_INPUT, "it is not a raw disk image", () -> publishFile(qcow2, meta("Mismatch", "raw")));
        assertRefused(Fault.INVALID_INPUT, "it is not an ISO image", () -> publishFile(qcow2, meta("Mismatch", "iso")));
        Path cut = Files.write(work.resolve("cut.qcow2"), Arrays.copyOf(Files.readAllBytes(qcow2), 300));
        assertRefused(Fault.INVALID_INPUT, "it is damaged", () -> publishFile(cut, meta("Cut", "qcow2")));
        Path huge = TestImageFiles.qcow2(work.resolve("huge.qcow2"), 8L << 30);
        assertRefused(Fault.INVALID_INPUT, "larger than the portal allows", () -> publishFile(huge, meta("Huge", "qcow2")));

        assertTrue(catalog.list(admin).isEmpty());
        assertIncomingEmpty();
        AuditEvent refusal = latest();
        assertFalse(refusal.success());
        assertEquals("Huge", refusal.targetName());
        assertTrue(refusal.reason().contains("larger than the portal allows"), refusal.reason());
        assertFalse(refusal.reason().contains("upload-"), "the generated name stays internal: " + refusal);
    }

    @Test
    void anUploadOverTheLimitIsRefusedWhileItArrivesAndLeavesNothing() {
        byte[] body = new byte[(int) MAX_FILE + 4096];
        assertRefused(Fault.PAYLOAD_TOO_LARGE, "larger than the limit of 8 MiB",
                () -> catalog.publishUpload(admin, meta("Big", "raw"), new ByteArrayInputStream(body), -1));
        assertRefused(Fault.PAYLOAD_TOO_LARGE, "at least " + body.length + " bytes",
                () -> catalog.publishUpload(admin, meta("Big", "raw"), new ByteArrayInputStream(body), body.length));
        assertIncomingEmpty();
    }

    @Test
    void anInterruptedUploadLeavesNoPartialFile() {
        InputStream cutOff = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 100_000) {
                    return 0;
                }
                throw new IOException("connection reset by peer");
            }
        };
        assertRefused(Fault.INVALID_INPUT, "ended after 100000 bytes",
                () -> catalog.publishUpload(admin, meta("Cut", "raw"), cutOff, 4 * MIB));
        assertIncomingEmpty();
        assertTrue(catalog.list(admin).isEmpty());
        assertTrue(latest().reason().contains("nothing was kept"), latest().reason());
    }

    @Test
    void onlyAdminsPublishAndMetadataIsCheckedBeforeAnyByteArrives() throws IOException {
        Actor user = accounts.create(admin, new NewUser("ulla", null, "ulla-password", Role.USER)).actor();
        InputStream untouchable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body was read although the request was refused");
            }
        };
        assertRefused(Fault.FORBIDDEN, "Only an admin", () -> catalog.publishUpload(user, meta("Mine", "raw"), untouchable, 1));
        ImageException bad = assertThrows(ImageException.class, () -> catalog.publishUpload(admin,
                new NewImage(" lead", "x".repeat(501), "<script>", "vmdk", 0, -1), untouchable, 1));
        for (String problem : List.of("name ' lead'", "OS '<script>'", "description has 501", "format 'vmdk'",
                "minimum memory 0 MiB", "minimum disk -1 GiB")) {
            assertTrue(bad.getMessage().contains(problem), problem + " in " + bad.getMessage());
        }
        assertEquals(Fault.FORBIDDEN, assertThrows(ImageException.class,
                () -> uploads.receive(user, untouchable, 1)).fault());
        Path raw = TestImageFiles.raw(work.resolve("user.raw"), MIB);
        assertRefused(Fault.FORBIDDEN, "Only an admin", () -> catalog.publish(user, meta("Mine", "raw"),
                receive(raw), "user.raw"));
        assertIncomingEmpty();
    }

    @Test
    void namesAreUniqueAmongPublishedImagesAndFreedByWithdrawal() throws IOException {
        Image first = publishFile(TestImageFiles.raw(work.resolve("one.raw"), MIB), meta("Alpine", "raw"));
        Path second = TestImageFiles.raw(work.resolve("two.raw"), MIB);
        assertRefused(Fault.CONFLICT, "already published", () -> publishFile(second, meta("Alpine", "raw")));
        assertIncomingEmpty();

        catalog.withdraw(admin, first.id());
        Image successor = publishFile(second, meta("Alpine", "raw"));
        assertTrue(successor.published());
        assertFalse(catalog.list(admin).stream().filter(image -> image.id() == first.id()).findFirst().orElseThrow()
                .published());
    }

    @Test
    void withdrawingAnImageNoGuestUsesDeletesItsFileAndBootFiles() throws IOException {
        Image image = publishFile(TestImageFiles.raw(work.resolve("unused.raw"), MIB), meta("Unused", "raw"));
        Path file = agent().imageFile(catalog.storeId(image.id()), image.format());
        // Boot files as the agent keeps them beside an image it built (the demo image): planted here, as root.
        List<Path> boot = agent().bootFiles(catalog.storeId(image.id()));
        Files.copy(TestImageFiles.raw(work.resolve("k"), 512), boot.get(0));
        Files.copy(TestImageFiles.raw(work.resolve("i"), 512), boot.get(1));
        assertTrue(Files.isRegularFile(file) && Files.isRegularFile(boot.get(0))
                && Files.isRegularFile(boot.get(1)));

        catalog.withdraw(admin, image.id());
        assertFalse(Files.exists(file), "the withdrawn image's file is still in the store: " + file);
        assertFalse(Files.exists(boot.get(0)) || Files.exists(boot.get(1)), "its boot files are still there");
        Image withdrawn = catalog.list(admin).stream().filter(one -> one.id() == image.id()).findFirst().orElseThrow();
        assertTrue(withdrawn.fileRemoved() && !withdrawn.published(), withdrawn.toString());
        AuditEvent removed = audit.find(admin, new AuditQuery(null, AuditAction.IMAGE_FILE_REMOVED, null, null, null,
                1)).get(0);
        assertTrue(removed.success() && removed.targetId() == image.id() && "Unused".equals(removed.targetName()),
                removed.toString());
        assertFalse(catalog.removeFileIfUnused(image.id()), "a second removal finds nothing to do");
    }

    @Test
    void aWithdrawnImageKeepsItsFileUntilItsLastGuestIsGone() throws IOException {
        Image image = publishFile(TestImageFiles.raw(work.resolve("used.raw"), MIB), meta("Used", "raw"));
        Path file = agent().imageFile(catalog.storeId(image.id()), image.format());
        rows.insertStoppedGuests(admin.id(), image.id(), "kvmptest-on-used", 2);
        try {
            catalog.withdraw(admin, image.id());
            assertTrue(Files.isRegularFile(file), "the file went while guests use it");
            assertFalse(catalog.removeFileIfUnused(image.id()));
            assertTrue(Files.isRegularFile(file));
            assertFalse(catalog.list(admin).stream().filter(one -> one.id() == image.id()).findFirst().orElseThrow()
                    .fileRemoved());
        } finally {
            rows.deleteGuests(admin.id(), "kvmptest-on-used");
        }
        assertTrue(catalog.removeFileIfUnused(image.id()));
        assertFalse(Files.exists(file), "the file outlived the image's last guest");

        Image published = publishFile(TestImageFiles.raw(work.resolve("kept.raw"), MIB), meta("Kept", "raw"));
        assertFalse(catalog.removeFileIfUnused(published.id()), "a published image's file is never removed");
        assertTrue(Files.isRegularFile(agent().imageFile(catalog.storeId(published.id()), published.format())));
    }

    @Test
    void publishesACopyOfAFileInAnImportDirectoryAndNothingElse() throws IOException {
        Path original = TestImageFiles.qcow2(importDir.resolve("server.qcow2"), 64 * MIB);
        Image image = catalog.publishFromServer(admin, meta("From server", "qcow2"), original.toString());
        assertEquals(64 * MIB, image.virtualBytes());
        assertTrue(Files.isRegularFile(original), "the admin's file is copied, not moved");

        Path outside = TestImageFiles.raw(work.resolve("outside.raw"), MIB);
        assertRefused(Fault.FORBIDDEN, "only from " + importDir, () -> catalog.publishFromServer(admin,
                meta("Outside", "raw"), outside.toString()));
        Path shadow = Files.createSymbolicLink(importDir.resolve("shadow.raw"), Path.of("/etc/shadow"));
        assertRefused(Fault.FORBIDDEN, "/etc/shadow is elsewhere", () -> catalog.publishFromServer(admin,
                meta("Shadow", "raw"), shadow.toString()));
        assertRefused(Fault.FORBIDDEN, "is elsewhere", () -> catalog.publishFromServer(admin, meta("Dots", "raw"),
                importDir + "/../outside.raw"));
        assertRefused(Fault.INVALID_INPUT, "not absolute", () -> catalog.publishFromServer(admin, meta("Rel", "raw"),
                "import/server.qcow2"));
        assertRefused(Fault.INVALID_INPUT, "no file", () -> catalog.publishFromServer(admin, meta("None", "raw"),
                importDir.resolve("missing.raw").toString()));
        Path directory = Files.createDirectory(importDir.resolve("dir.raw"));
        assertRefused(Fault.INVALID_INPUT, "not a regular file", () -> catalog.publishFromServer(admin,
                meta("Dir", "raw"), directory.toString()));
        Path linked = TestImageFiles.raw(importDir.resolve("linked.raw"), MIB);
        Files.createLink(importDir.resolve("second-name.raw"), linked);
        assertRefused(Fault.INVALID_INPUT, "2 hard links", () -> catalog.publishFromServer(admin,
                meta("Linked", "raw"), linked.toString()));
        Path big = TestImageFiles.raw(importDir.resolve("big.raw"), MAX_FILE + 512);
        assertRefused(Fault.PAYLOAD_TOO_LARGE, "limit of 8 MiB", () -> catalog.publishFromServer(admin,
                meta("Big", "raw"), big.toString()));
        assertEquals(1, catalog.list(admin).size());
        assertIncomingEmpty();
    }

    static NewImage meta(String name, String format) {
        return new NewImage(name, "A test image", "Linux", format, 128, 1);
    }

    private Image publishFile(Path file, NewImage request) {
        return catalog.publish(admin, request, receive(file), file.getFileName().toString());
    }

    private StagedImage receive(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return uploads.receive(admin, in, Files.size(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertRefused(Fault fault, String words, Supplier<?> publishing) {
        ImageException refused = assertThrows(ImageException.class, publishing::get);
        assertEquals(fault, refused.fault(), refused.getMessage());
        assertTrue(refused.getMessage().contains(words), "'" + words + "' in: " + refused.getMessage());
    }

    private AuditEvent latest() {
        return audit.find(admin, new AuditQuery(null, AuditAction.IMAGE_PUBLISHED, null, null, null, 1)).get(0);
    }

    private void assertIncomingEmpty() {
        assertEquals(List.of(), agent().staged(), "files left in the agent's staging area");
    }
}
