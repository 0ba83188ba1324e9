package io.deltaq.s3io;

import java.util.Objects;

/**
 * What a {@link ConditionalCreate} found out: this writer's bytes are at the key, another writer's
 * are, or nobody can tell.
 *
 * @param kind which of the three
 * @param existing for {@link Kind#TAKEN}, the bytes another writer put at the key; otherwise null
 * @param cause for {@link Kind#UNKNOWN}, why the outcome could not be settled; otherwise null
 * @param attempts conditional PUTs sent
 */
public record CreateOutcome(Kind kind, byte[] existing, Throwable cause, int attempts) {

    public enum Kind {
        /** The key holds this writer's bytes: this call created it, or an earlier attempt of it did. */
        CREATED,
        /** The key holds bytes this writer did not write. */
        TAKEN,
        /** A write may have landed and reading it back failed: the key may hold these bytes or not. */
        UNKNOWN
    }

    public CreateOutcome {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.TAKEN) != (existing != null) || (kind == Kind.UNKNOWN) != (cause != null)) {
            throw new IllegalArgumentException("inconsistent outcome " + kind);
        }
    }

    static CreateOutcome created(int attempts) {
        return new CreateOutcome(Kind.CREATED, null, null, attempts);
    }

    static CreateOutcome taken(byte[] existing, int attempts) {
        return new CreateOutcome(Kind.TAKEN, existing, null, attempts);
    }

    static CreateOutcome unknown(Throwable cause, int attempts) {
        return new CreateOutcome(Kind.UNKNOWN, null, cause, attempts);
    }

    public boolean created() {
        return kind == Kind.CREATED;
    }

    @Override
    public String toString() {
        return kind + " after " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + (cause != null ? " (" + cause.getMessage() + ")" : "");
    }
}
