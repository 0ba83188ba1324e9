package io.deltaq.consumer;

/**
 * A commit deletes or rewrites rows ({@code remove} with {@code dataChange true}) and
 * {@code rewrite.policy} is {@code fail}. Everything before that version was delivered;
 * {@code seek(new Position(version + 1, 0))} goes on after it.
 */
public final class RewriteCommitException extends ConsumerException {
    private static final long serialVersionUID = 1L;

    public RewriteCommitException(String table, long version, String message) {
        super(table, version, message, null);
    }
}
