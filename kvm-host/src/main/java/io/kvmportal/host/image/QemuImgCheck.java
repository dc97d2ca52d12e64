package io.kvmportal.host.image;

import static io.kvmportal.host.image.ImageRefusedException.Reason.DAMAGED;
import static io.kvmportal.host.image.ImageRefusedException.Reason.INVALID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kvmportal.host.exec.SplitResult;

/**
 * Judges {@code qemu-img check -f qcow2 --output=json}: its exit code, the JSON on stdout and the first of the
 * errors it prints on stderr, which become the refusal's words.
 *
 * <p>Refused: corruptions (a table pointing past the end of the file, as a truncated upload has, or at clusters
 * that overlap), errors while checking, and a file that ends before the last cluster its tables use starts. Let
 * through: leaked clusters, counted as used but referred to by nothing. They only waste space in the file, which
 * the upload limit bounds anyway; no read of the disk ever reaches them, the base image is read-only (0444,
 * guests write to overlays), and QEMU opens such an image as it is.
 *
 * <p>A file cut less than one cluster short is not found, by qemu-img nor here: qemu-img itself writes the last
 * cluster only as far as it is used (a new empty 1 GiB qcow2 is 196,624 bytes, its image-end-offset 262,144), and
 * QEMU reads the rest of the cluster as zeros, so such a file is indistinguishable from a whole one.
 */
final class QemuImgCheck {
    /** qemu-img(1): 0 no inconsistencies, 2 corruptions, 3 leaked clusters only; 1 and 63 mean not checked. */
    private static final int CLEAN = 0;
    private static final int CORRUPT = 2;
    private static final int LEAKS_ONLY = 3;
    private static final int MAX_DETAIL = 300;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private QemuImgCheck() {
    }

    /** Refuses the image unless the check passed; {@code clusterSize} as qemu-img info gave it. */
    static void judge(SplitResult check, String fileName, long fileSize, long clusterSize) {
        int exit = check.exitCode();
        if (exit != CLEAN && exit != CORRUPT && exit != LEAKS_ONLY) {
            throw new ImageRefusedException(INVALID, fileName + ": qemu-img check could not check it (exit " + exit
                    + "): " + firstLine(check.stderr()));
        }
        JsonNode result = parse(check.stdout(), fileName);
        long corruptions = count(result, "corruptions", fileName);
        if (exit == CORRUPT || corruptions > 0) {
            throw new ImageRefusedException(DAMAGED, fileName + ": qemu-img check found " + corruptions
                    + " corruptions, the first: " + firstLine(check.stderr()));
        }
        long checkErrors = count(result, "check-errors", fileName);
        if (checkErrors > 0) {
            throw new ImageRefusedException(DAMAGED, fileName + ": qemu-img check met " + checkErrors
                    + " errors while checking it: " + firstLine(check.stderr()));
        }
        long end = count(result, "image-end-offset", fileName);
        if (fileSize <= end - clusterSize) {
            throw new ImageRefusedException(DAMAGED, fileName + ": " + fileSize + " bytes long, but its tables use"
                    + " clusters up to byte " + end + ": the file is cut short");
        }
    }

    private static JsonNode parse(String json, String fileName) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new ImageRefusedException(INVALID, fileName + ": qemu-img check gave no JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ImageRefusedException(INVALID, fileName + ": qemu-img check output is not one JSON object: "
                    + e.getOriginalMessage());
        }
    }

    /** A count qemu-img leaves out when it is zero; anything but a non-negative integer is a refusal. */
    private static long count(JsonNode result, String field, String fileName) {
        JsonNode value = result.get(field);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new ImageRefusedException(INVALID, fileName + ": qemu-img check gave " + field + " " + value);
        }
        return value.asLong();
    }

    /** The first ERROR line (leaks are listed too, and come first when a leaked cluster has a lower number). */
    private static String firstLine(String stderr) {
        String line = stderr.lines().filter(l -> l.startsWith("ERROR")).findFirst()
                .or(() -> stderr.strip().lines().findFirst()).orElse("(it said nothing)");
        return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "...";
    }
}
