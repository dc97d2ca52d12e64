package io.kvmportal.image;

import io.kvmportal.text.VisibleText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a server path an admin wants to publish before a byte of it is read. The portal runs as root and the
 * file becomes a disk that users' guests read, so the path must lead, after every symbolic link, to a regular
 * file with one name inside a configured import directory: not a device or FIFO (endless or blocking reads), not
 * a second name of some other file, not the portal's own database or {@code /etc/shadow}. Whether it is an image
 * is for kvm-host's inspection to decide, on the copy.
 */
final class ImportPath {

    private ImportPath() {
    }

    static Path check(String path, List<Path> importDirs, long maxFileSize) {
        Path given = parse(path);
        Path real;
        try {
            real = given.toRealPath();
        } catch (NoSuchFileException e) {
            throw ImageException.invalid("There is no file " + given + " on the server.");
        } catch (IOException e) {
            throw ImageException.invalid("Cannot resolve " + given + ": " + e.getMessage());
        }
        if (insideOf(real, importDirs).isEmpty()) {
            throw ImageException.forbidden("Images are published by path only from " + describe(importDirs)
                    + "; " + real + " is elsewhere.");
        }
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(real, "unix:isRegularFile,nlink,size", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw ImageException.invalid("Cannot read " + real + ": " + e.getMessage());
        }
        if (!(Boolean) attributes.get("isRegularFile")) {
            throw ImageException.invalid(real + " is not a regular file.");
        }
        if ((Integer) attributes.get("nlink") != 1) {
            throw ImageException.invalid(real + " has " + attributes.get("nlink") + " hard links; publish a file"
                    + " with one name.");
        }
        long size = (Long) attributes.get("size");
        if (size > maxFileSize) {
            throw ImageException.tooLarge(size, maxFileSize);
        }
        return real;
    }

    private static Path parse(String path) {
        if (path == null || path.isBlank()) {
            throw ImageException.invalid("Give the absolute path of the image file on the server.");
        }
        try {
            Path parsed = Path.of(path);
            if (!parsed.isAbsolute()) {
                throw ImageException.invalid("The path '" + VisibleText.printable(path) + "' is not absolute.");
            }
            return parsed;
        } catch (InvalidPathException e) {
            throw ImageException.invalid("The path '" + VisibleText.printable(path) + "' is not a valid path.");
        }
    }

    private static Optional<Path> insideOf(Path real, List<Path> dirs) {
        for (Path dir : dirs) {
            try {
                Path realDir = dir.toRealPath();
                if (real.startsWith(realDir) && !real.equals(realDir)) {
                    return Optional.of(realDir);
                }
            } catch (IOException missing) {
                // An import directory that does not exist holds no files.
            }
        }
        return Optional.empty();
    }

    private static String describe(List<Path> dirs) {
        return String.join(", ", dirs.stream().map(Path::toString).toList());
    }
}
