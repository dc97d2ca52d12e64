package io.kvmportal.host.image;

import static io.kvmportal.host.image.ImageRefusedException.Reason.FORMAT_MISMATCH;
import static io.kvmportal.host.image.ImageRefusedException.Reason.INVALID;
import static io.kvmportal.host.image.ImageRefusedException.Reason.NOT_REGULAR_FILE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.OUTSIDE_STORE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.kvmportal.host.exec.Command;
import io.kvmportal.host.exec.CommandException;
import io.kvmportal.host.exec.CommandResult;
import io.kvmportal.host.exec.SplitResult;

/**
 * Decides whether a file may become a base image. Cheap checks first (where the file is, what it is,
 * its magic), so qemu-img never sees a file outside the store or of the wrong kind; then
 * {@code qemu-img info} with the claimed format, never a guessed one, and for a qcow2 {@code qemu-img check}
 * (see {@link QemuImgCheck}): info reads only the header, so a truncated upload passed it.
 *
 * <p>qemu-img parses hostile headers as root, so it runs under prlimit: 1 GiB of address space and
 * 30 s of CPU (the limits OpenStack settled on after CVE-2015-5162, where a crafted image made
 * qemu-img info eat memory and CPU), and a 30 s wall-clock limit. The path handed to it is the
 * absolute real path, so it can never be read as {@code json:{...}} or a {@code proto:} prefix.
 */
public final class ImageInspector {
    static final Duration QEMU_IMG_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> LIMITS = List.of("/usr/bin/prlimit", "--as=1073741824", "--cpu=30", "--");
    /** ECMA-119: the first volume descriptor is at 32768; its identifier "CD001" at 32769. */
    static final long ISO_SIGNATURE_OFFSET = 32769;
    static final int SECTOR = 512;
    private static final byte[] ISO_SIGNATURE = "CD001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
    /** Headers of formats QEMU would recognise if it ever probed: a raw image must not carry one. */
    private static final Map<String, byte[]> FOREIGN_MAGIC = Map.of(
            "qcow2", QCOW2_MAGIC, "qed", new byte[] {'Q', 'F', 'I', 0}, "vmdk", "KDMV".getBytes(StandardCharsets.US_ASCII),
            "vhdx", "vhdxfile".getBytes(StandardCharsets.US_ASCII), "luks", new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe});

    private final Path root;

    /** Inspects only files inside {@code storeRoot}, which must exist. */
    public ImageInspector(Path storeRoot) {
        try {
            this.root = storeRoot.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("image store " + storeRoot + " is not there", e);
        }
    }

    public ImageInfo inspect(Path file, ImageFormat claimed, long maxVirtualBytes) {
        Path real = checkedFile(file);
        long fileSize = sizeOf(real);
        checkMagic(real, claimed, fileSize);
        String name = real.getFileName().toString();
        String infoJson = qemuImgInfo(real, claimed, name);
        ImageInfo info = QemuImgInfo.judge(infoJson, name, claimed, maxVirtualBytes, fileSize);
        if (claimed == ImageFormat.QCOW2) {
            QemuImgCheck.judge(qemuImgCheck(real, name), name, fileSize, QemuImgInfo.clusterSize(infoJson, name));
        }
        // Any bytes are a raw disk to qemu-img; a disk is whole sectors, a text file or an archive hardly ever is.
        if (claimed == ImageFormat.RAW && fileSize % SECTOR != 0) {
            throw new ImageRefusedException(INVALID, name + ": " + fileSize + " bytes is not a whole number of "
                    + SECTOR + "-byte sectors, so not a raw disk");
        }
        return info;
    }

    private Path checkedFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(absolute)) {
            throw new ImageRefusedException(NOT_REGULAR_FILE, absolute + " is a symbolic link");
        }
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new ImageRefusedException(INVALID, absolute + " cannot be resolved: " + e.getMessage());
        }
        if (!real.startsWith(root) || real.equals(root)) {
            throw new ImageRefusedException(OUTSIDE_STORE, real + " is outside the image store " + root);
        }
        try {
            Map<String, Object> attributes = Files.readAttributes(real, "unix:isRegularFile,nlink", LinkOption.NOFOLLOW_LINKS);
            if (!(Boolean) attributes.get("isRegularFile")) {
                throw new ImageRefusedException(NOT_REGULAR_FILE, real + " is not a regular file");
            }
            // A second hard link is a name outside our control through which the content could change.
            if ((Integer) attributes.get("nlink") != 1) {
                throw new ImageRefusedException(NOT_REGULAR_FILE, real + " has " + attributes.get("nlink") + " hard links");
            }
        } catch (IOException e) {
            throw new ImageRefusedException(INVALID, real + " cannot be read: " + e.getMessage());
        }
        return real;
    }

    private static long sizeOf(Path real) {
        try {
            long size = Files.size(real);
            if (size == 0) {
                throw new ImageRefusedException(INVALID, real.getFileName() + " is empty");
            }
            return size;
        } catch (IOException e) {
            throw new ImageRefusedException(INVALID, real + " cannot be read: " + e.getMessage());
        }
    }

    private static void checkMagic(Path real, ImageFormat claimed, long fileSize) {
        String name = real.getFileName().toString();
        byte[] head = read(real, 0, 8);
        if (claimed == ImageFormat.QCOW2) {
            if (!startsWith(head, QCOW2_MAGIC)) {
                throw new ImageRefusedException(FORMAT_MISMATCH, name + " is not a qcow2 image (no QFI\\xfb magic)");
            }
            return;
        }
        FOREIGN_MAGIC.forEach((format, magic) -> {
            if (startsWith(head, magic)) {
                throw new ImageRefusedException(FORMAT_MISMATCH, name + " claimed " + claimed.extension() + " but carries a " + format + " header");
            }
        });
        if (claimed == ImageFormat.ISO && (fileSize < ISO_SIGNATURE_OFFSET + ISO_SIGNATURE.length
                || !Arrays.equals(read(real, ISO_SIGNATURE_OFFSET, ISO_SIGNATURE.length), ISO_SIGNATURE))) {
            throw new ImageRefusedException(FORMAT_MISMATCH, name + " is not an ISO 9660 image (no CD001 at " + ISO_SIGNATURE_OFFSET + ")");
        }
    }

    private static String qemuImgInfo(Path real, ImageFormat claimed, String name) {
        List<String> argv = new ArrayList<>(LIMITS);
        argv.addAll(List.of("qemu-img", "info", "--output=json", "-f", claimed.qemuName(), real.toString()));
        CommandResult result;
        try {
            result = Command.run(argv, QEMU_IMG_TIMEOUT);
        } catch (CommandException e) {
            throw new ImageRefusedException(INVALID, name + ": qemu-img info failed: " + e.getMessage());
        }
        if (result.exitCode() != 0) {
            throw new ImageRefusedException(INVALID,
                    name + ": qemu-img info exit " + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    /** Only for a qcow2 info has accepted: no backing file, no data file, so check opens nothing else. */
    private static SplitResult qemuImgCheck(Path real, String name) {
        List<String> argv = new ArrayList<>(LIMITS);
        argv.addAll(List.of("qemu-img", "check", "--output=json", "-f", ImageFormat.QCOW2.qemuName(), real.toString()));
        try {
            return Command.runSplit(argv, QEMU_IMG_TIMEOUT);
        } catch (CommandException e) {
            throw new ImageRefusedException(INVALID, name + ": qemu-img check failed: " + e.getMessage());
        }
    }

    private static byte[] read(Path real, long offset, int length) {
        try (SeekableByteChannel channel = Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            channel.position(offset);
            int read = 0;
            while (buffer.hasRemaining() && read >= 0) {
                read = channel.read(buffer); // a channel may return fewer bytes than asked
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        } catch (IOException e) {
            throw new ImageRefusedException(INVALID, real + " cannot be read: " + e.getMessage());
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
