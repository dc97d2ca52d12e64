package io.kvmportal.host.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.kvmportal.host.kvm.DescriptorPassing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client of one QEMU's QMP socket. How it flows:
 * <ol>
 * <li>{@link #connect} opens the socket (retrying while QEMU has not created it yet), waits for the
 *     greeting and negotiates {@code qmp_capabilities}; only then is the client handed out.</li>
 * <li>Every command gets a fresh id and a future, registered before the command is written.</li>
 * <li>One reader thread reads bounded lines, completes the future whose id a reply carries, and queues
 *     every event to {@link QmpEvents}, which hands each to all listeners, in order, none dropped
 *     (a bounded queue: if listeners fall behind, the reader waits rather than buffering without end).</li>
 * <li>Each call has a timeout (a SIGSTOPped QEMU never answers, and must not hang its caller).</li>
 * <li>At end of stream, a protocol error or {@link #close}, every waiting call fails with the reason,
 *     and {@link #whenClosed} completes: for a guest QEMU that is how its exit is noticed.</li>
 * </ol>
 */
public final class QmpClient implements AutoCloseable {
    public static final int MAX_LINE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(String sent, CompletableFuture<JsonNode> result) {
    }

    private final SocketChannel channel;
    private final Path socket;
    private final QmpEvents events;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final CompletableFuture<QmpException> closed = new CompletableFuture<>();
    private final Object writeLock = new Object();
    private final Object descriptorLock = new Object();
    private volatile QmpException closeReason;

    private QmpClient(SocketChannel channel, Path socket) {
        this.channel = channel;
        this.socket = socket;
        this.events = new QmpEvents(socket);
        Thread reader = new Thread(this::readLoop, "qmp-reader " + socket);
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects and negotiates within {@code timeout}, retrying while the socket is not there yet. */
    public static QmpClient connect(Path socket, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        QmpClient client = new QmpClient(QmpSockets.open(socket, deadline), socket);
        try {
            client.awaitGreeting(QmpSockets.remaining(deadline));
            client.execute("qmp_capabilities", Map.of(), QmpSockets.remaining(deadline));
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public void addEventListener(QmpEventListener listener) {
        events.add(listener);
    }

    public void removeEventListener(QmpEventListener listener) {
        events.remove(listener);
    }

    /** Runs a command with the default timeout and returns its "return" value. */
    public JsonNode execute(String command) {
        return execute(command, Map.of(), DEFAULT_CALL_TIMEOUT);
    }

    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, DEFAULT_CALL_TIMEOUT);
    }

    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        return await(send(command, arguments, timeout), command);
    }

    /**
     * Runs a command whose bytes carry {@code passed} as SCM_RIGHTS ancillary data, as QMP's {@code getfd} wants it:
     * QEMU keeps its own copy of the socket; the caller still closes {@code passed}.
     */
    public JsonNode executeWithSocket(String command, Map<String, ?> arguments, SocketChannel passed,
                                      Duration timeout) {
        return await(send(command, arguments, timeout, passed), command);
    }

    /** Sends a command; the future fails with a {@link QmpException} on error reply, timeout or close. */
    public CompletableFuture<JsonNode> send(String command, Map<String, ?> arguments, Duration timeout) {
        return send(command, arguments, timeout, null);
    }

    private CompletableFuture<JsonNode> send(String command, Map<String, ?> arguments, Duration timeout,
                                             SocketChannel passed) {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("execute", command);
        if (!arguments.isEmpty()) {
            message.set("arguments", JSON.valueToTree(arguments));
        }
        String sent = message.put("id", id).toString();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, new Pending(sent, result));
        // Registered first, checked second: a close racing with us either sees this call or we see it.
        QmpException reason = closeReason;
        if (reason != null) {
            fail(id, reason);
            return result;
        }
        QmpTimeouts.schedule(result, timeout, () -> {
            Pending late = pending.remove(id);
            if (late != null) {
                late.result().completeExceptionally(QmpException.timeout(sent, timeout));
            }
        });
        write(id, sent, passed);
        return result;
    }

    /** Completes with the reason once the connection is gone, whoever ended it. */
    public CompletableFuture<QmpException> whenClosed() {
        return closed;
    }

    @Override
    public void close() {
        shutdown(QmpException.closed("QMP client closed"));
    }

    private void write(long id, String sent, SocketChannel passed) {
        ByteBuffer bytes = ByteBuffer.wrap((sent + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            synchronized (writeLock) {
                QmpException notSent = passed == null ? null : sendWithSocket(bytes, passed);
                if (notSent != null) {
                    fail(id, notSent);
                    return;
                }
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (IOException e) {
            shutdown(QmpException.closed("cannot write to " + socket + ": " + e.getMessage()));
        }
    }

    /**
     * Sends the start of a command with {@code passed} attached, or says why not (the stream is then untouched). The
     * socket goes by descriptor number, so the channel is checked open under the lock that {@link #shutdown} closes it
     * under: a closed channel's number could by then name another file. The send does not wait (a QEMU that does not
     * read its QMP socket refuses it), so the lock is never held long.
     */
    private QmpException sendWithSocket(ByteBuffer bytes, SocketChannel passed) {
        synchronized (descriptorLock) {
            if (closeReason != null) {
                return closeReason;
            }
            try {
                DescriptorPassing.send(channel, bytes, passed);
                return null;
            } catch (RuntimeException e) {
                return QmpException.notSent("cannot pass a socket to QEMU on " + socket + ": " + e.getMessage());
            }
        }
    }

    private void readLoop() {
        QmpException reason;
        try {
            QmpLineReader lines = new QmpLineReader(channel, MAX_LINE_BYTES);
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                dispatch(line);
            }
            reason = QmpException.closed("QEMU closed the QMP connection " + socket);
        } catch (QmpException e) {
            reason = e;
        } catch (IOException e) {
            reason = QmpException.closed("QMP connection " + socket + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            reason = QmpException.closed("QMP reader interrupted on " + socket);
        } catch (RuntimeException e) {
            // Whatever went wrong, the waiting callers must hear of it rather than wait out their timeouts.
            reason = QmpException.protocol("QMP reader failed on " + socket + ": " + e);
        }
        shutdown(reason);
    }

    private void dispatch(String line) throws InterruptedException {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw QmpException.protocol("not JSON from QEMU: " + abbreviate(line));
        }
        if (message.has("QMP")) {
            greeting.complete(message);
        } else if (message.has("event")) {
            events.deliver(message);
        } else if (message.has("return") || message.has("error")) {
            reply(message, line);
        } else {
            throw QmpException.protocol("neither reply nor event: " + abbreviate(line));
        }
    }

    private void reply(JsonNode message, String line) {
        if (!message.path("id").canConvertToLong()) {
            throw QmpException.protocol("reply without our id: " + abbreviate(line));
        }
        Pending call = pending.remove(message.get("id").asLong());
        if (call == null) {
            return; // its caller timed out already and was told so
        }
        JsonNode error = message.get("error");
        if (error == null) {
            call.result().complete(message.get("return"));
        } else {
            call.result().completeExceptionally(
                    QmpException.errorReply(call.sent(), error.path("class").asText(), error.path("desc").asText()));
        }
    }

    private synchronized void shutdown(QmpException reason) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        synchronized (descriptorLock) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all we wanted; the reader sees the end either way
            }
        }
        greeting.completeExceptionally(reason);
        pending.keySet().forEach(id -> fail(id, reason));
        events.shutdown();
        closed.complete(reason);
    }

    private void fail(long id, QmpException reason) {
        Pending call = pending.remove(id);
        if (call != null) {
            call.result().completeExceptionally(QmpException.forCommand(reason, call.sent()));
        }
    }

    private void awaitGreeting(Duration timeout) {
        try {
            greeting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw QmpException.noGreeting(socket, timeout);
        } catch (ExecutionException e) {
            throw (QmpException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QmpException.closed("interrupted while waiting for the QMP greeting on " + socket);
        }
    }

    /** Every call's future has its own timeout, so this wait ends. */
    private static JsonNode await(CompletableFuture<JsonNode> call, String command) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            throw (QmpException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QmpException.closed("interrupted while waiting for " + command);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
