package io.deltaq.consumer;

/**
 * Another live instance with the same {@code consumer.name} committed a position since this one
 * started, so this instance may no longer commit (its positions would overwrite the other's). The
 * instance keeps consuming; every later commit fails the same way. Run one instance per name.
 */
public final class ConsumerFencedException extends ConsumerException {
    private static final long serialVersionUID = 1L;

    public ConsumerFencedException(String table, String message) {
        super(table, -1, message, null);
    }
}
