package io.kvmportal.host.agent;

import io.kvmportal.agent.HostRefusedException;
import io.kvmportal.agent.ImageRefusalReason;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.host.account.AccountRefusedException;
import io.kvmportal.host.guest.GuestCommandException;
import io.kvmportal.host.image.ImageRefusedException;
import io.kvmportal.host.image.UnknownImageException;
import io.kvmportal.host.image.UploadTooLargeException;
import io.kvmportal.host.kvm.AcceleratorUnavailableException;
import io.kvmportal.host.qemu.GuestNotRunningException;
import io.kvmportal.host.qemu.QmpException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kvm-host's exceptions as the agent's one refusal type, each with its kind and kvm-host's words: what crosses to
 * the portal is a {@link HostRefusedException}, never a kvm-host class. Anything unforeseen is FAILED, and logged
 * here, where its stack trace is of use.
 */
final class Refusals {
    /** Words are for people; a runaway message (QEMU's log tail, a hostile value) is cut. */
    private static final int MAX_WORDS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

    private Refusals() {
    }

    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw refusal(e);
        }
    }

    static void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    static HostRefusedException invalid(String words) {
        return new HostRefusedException(RefusalKind.INVALID, cut(words));
    }

    static HostRefusedException refusal(RuntimeException e) {
        if (e instanceof HostRefusedException refused) {
            return refused;
        }
        if (e instanceof ImageRefusedException image) {
            return new HostRefusedException(RefusalKind.IMAGE_REFUSED,
                    ImageRefusalReason.valueOf(image.reason().name()), cut(e.getMessage()));
        }
        RefusalKind kind = kindOf(e);
        if (kind == RefusalKind.FAILED) {
            LOG.warn("The agent failed on a call", e);
        }
        return new HostRefusedException(kind, cut(String.valueOf(e.getMessage())));
    }

    private static RefusalKind kindOf(RuntimeException e) {
        if (e instanceof GuestCommandException command) {
            return switch (command.kind()) {
                case NOT_FOUND -> RefusalKind.NOT_FOUND;
                case NOT_RUNNING -> RefusalKind.NOT_RUNNING;
                case ALREADY_RUNNING -> RefusalKind.ALREADY_RUNNING;
                case START_FAILED -> RefusalKind.START_FAILED;
                case QEMU_FAILED -> RefusalKind.COMMAND_FAILED;
            };
        }
        if (e instanceof UnknownImageException) {
            return RefusalKind.NOT_FOUND;
        }
        if (e instanceof UploadTooLargeException) {
            return RefusalKind.TOO_LARGE;
        }
        if (e instanceof AccountRefusedException) {
            return RefusalKind.ACCOUNT_REFUSED;
        }
        if (e instanceof AcceleratorUnavailableException) {
            return RefusalKind.ACCELERATOR_UNAVAILABLE;
        }
        if (e instanceof GuestNotRunningException) {
            return RefusalKind.NOT_RUNNING;
        }
        if (e instanceof QmpException) {
            return RefusalKind.COMMAND_FAILED;
        }
        // InvalidGuestSpecException is one too: a value the agent does not accept.
        return e instanceof IllegalArgumentException ? RefusalKind.INVALID : RefusalKind.FAILED;
    }

    private static String cut(String words) {
        return words.length() > MAX_WORDS ? words.substring(0, MAX_WORDS) + "..." : words;
    }
}
