package io.kvmportal.host.qemu;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A QMP call or connection failed. Keeps the command as it was sent (JSON, or null when no command was
 * involved) and, for an error reply, QEMU's own error class and description.
 */
public final class QmpException extends RuntimeException {
    /** Why it failed. */
    public enum Kind {
        /** QEMU answered with {"error": ...}. */
        ERROR_REPLY,
        /** No answer within the call's timeout: QEMU busy, or stopped by a signal. */
        TIMEOUT,
        /** The connection ended (QEMU exited, or the client was closed) before an answer came. */
        CLOSED,
        /** QEMU sent something that is not QMP: not JSON, no id, or a line above the size limit. */
        PROTOCOL,
        /** The command did not leave (a socket to attach could not be sent); the connection is as it was. */
        NOT_SENT
    }

    private final Kind kind;
    private final String command;
    private final String errorClass;
    private final String errorDesc;
    private final String detail;

    private QmpException(Kind kind, String command, String errorClass, String errorDesc, String detail) {
        super(command == null ? detail : command + ": " + detail);
        this.detail = detail;
        this.kind = kind;
        this.command = command;
        this.errorClass = errorClass;
        this.errorDesc = errorDesc;
    }

    static QmpException errorReply(String command, String errorClass, String errorDesc) {
        return new QmpException(Kind.ERROR_REPLY, command, errorClass, errorDesc, errorClass + ": " + errorDesc);
    }

    static QmpException timeout(String command, Duration timeout) {
        return new QmpException(Kind.TIMEOUT, command, null, null, "no reply within " + timeout.toMillis() + " ms");
    }

    static QmpException noGreeting(Path socket, Duration timeout) {
        return new QmpException(Kind.TIMEOUT, null, null, null, "no QMP greeting on " + socket + " within " + timeout.toMillis() + " ms");
    }

    static QmpException closed(String why) {
        return new QmpException(Kind.CLOSED, null, null, null, why);
    }

    static QmpException protocol(String why) {
        return new QmpException(Kind.PROTOCOL, null, null, null, why);
    }

    static QmpException notSent(String why) {
        return new QmpException(Kind.NOT_SENT, null, null, null, why);
    }

    /** The connection-wide failure {@code reason}, as seen by one waiting {@code command}. */
    static QmpException forCommand(QmpException reason, String command) {
        return new QmpException(reason.kind, command, reason.errorClass, reason.errorDesc, reason.detail);
    }

    public Kind kind() {
        return kind;
    }

    public String command() {
        return command;
    }

    public String errorClass() {
        return errorClass;
    }

    public String errorDesc() {
        return errorDesc;
    }
}
