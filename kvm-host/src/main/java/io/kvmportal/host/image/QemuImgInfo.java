package io.kvmportal.host.image;

import static io.kvmportal.host.image.ImageRefusedException.Reason.BACKING_FILE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.DATA_FILE;
import static io.kvmportal.host.image.ImageRefusedException.Reason.ENCRYPTED;
import static io.kvmportal.host.image.ImageRefusedException.Reason.FORMAT_MISMATCH;
import static io.kvmportal.host.image.ImageRefusedException.Reason.INVALID;
import static io.kvmportal.host.image.ImageRefusedException.Reason.TOO_LARGE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Judges the JSON of {@code qemu-img info --output=json}. Strict: exactly one JSON object (so a
 * warning printed next to it is a refusal, not something to skip), and every field that could make
 * QEMU open another file is a refusal, whatever its value.
 */
final class QemuImgInfo {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private QemuImgInfo() {
    }

    static ImageInfo judge(String json, String fileName, ImageFormat claimed, long maxVirtualBytes, long fileSize) {
        JsonNode info = parse(json, fileName);
        String format = info.path("format").asText("");
        if (!format.equals(claimed.qemuName())) {
            throw new ImageRefusedException(FORMAT_MISMATCH, fileName + ": claimed " + claimed.qemuName() + ", qemu-img says \"" + format + "\"");
        }
        for (String field : new String[] {"backing-filename", "full-backing-filename", "backing-filename-format", "backing-image"}) {
            if (info.has(field)) {
                throw new ImageRefusedException(BACKING_FILE, fileName + ": has a backing file (" + field + ")");
            }
        }
        JsonNode specific = info.path("format-specific").path("data");
        if (specific.has("data-file")) {
            throw new ImageRefusedException(DATA_FILE, fileName + ": keeps its data in an external file");
        }
        if (info.path("encrypted").asBoolean(false) || specific.has("encrypt")) {
            throw new ImageRefusedException(ENCRYPTED, fileName + ": is encrypted");
        }
        if (specific.path("corrupt").asBoolean(false)) {
            throw new ImageRefusedException(INVALID, fileName + ": qemu-img marks it corrupt");
        }
        long virtualSize = virtualSize(info, fileName);
        if (virtualSize > maxVirtualBytes) {
            throw new ImageRefusedException(TOO_LARGE, fileName + ": virtual size " + virtualSize
                    + " bytes is over the limit of " + maxVirtualBytes);
        }
        return new ImageInfo(claimed, virtualSize, fileSize);
    }

    /** The qcow2's cluster size, from the same JSON once {@link #judge} has accepted it. */
    static long clusterSize(String json, String fileName) {
        JsonNode size = parse(json, fileName).get("cluster-size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() <= 0) {
            throw new ImageRefusedException(INVALID, fileName + ": no positive cluster size (" + size + ")");
        }
        return size.asLong();
    }

    private static JsonNode parse(String json, String fileName) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new ImageRefusedException(INVALID, fileName + ": qemu-img info gave no JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ImageRefusedException(INVALID, fileName + ": qemu-img info output is not one JSON object: "
                    + e.getOriginalMessage());
        }
    }

    private static long virtualSize(JsonNode info, String fileName) {
        JsonNode size = info.get("virtual-size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() <= 0) {
            throw new ImageRefusedException(INVALID, fileName + ": no positive virtual size (" + size + ")");
        }
        return size.asLong();
    }
}
