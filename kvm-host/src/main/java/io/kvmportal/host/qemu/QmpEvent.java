package io.kvmportal.host.qemu;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** An asynchronous QMP event (SHUTDOWN, STOP, RESUME, RESET, ...), with its data and QEMU's timestamp. */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {
}
