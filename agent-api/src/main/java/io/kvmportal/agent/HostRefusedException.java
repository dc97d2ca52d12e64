package io.kvmportal.agent;

import java.util.Objects;
import java.util.Optional;

/** A host agent refused a call, in words for the user; {@link #kind()} says which sort of refusal it is. */
public class HostRefusedException extends RuntimeException {
    private final RefusalKind kind;
    private final ImageRefusalReason imageReason;

    public HostRefusedException(RefusalKind kind, String message) {
        this(kind, null, message);
    }

    public HostRefusedException(RefusalKind kind, ImageRefusalReason imageReason, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.imageReason = imageReason;
    }

    public RefusalKind kind() {
        return kind;
    }

    /** Set for {@link RefusalKind#IMAGE_REFUSED}. */
    public Optional<ImageRefusalReason> imageReason() {
        return Optional.ofNullable(imageReason);
    }
}
