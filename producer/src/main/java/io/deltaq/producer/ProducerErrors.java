package io.deltaq.producer;

import io.deltaq.deltalog.MessageLimits;
import java.util.concurrent.TimeoutException;

/**
 * Every failure the producer reports, worded in one place: which producer, on which table, what
 * happened and, where there is one, what to do. Each message starts with
 * {@code producer '<id>' on <table>} so that logs of many producers can be told apart.
 */
final class ProducerErrors {

    private ProducerErrors() {
    }

    private static String who(String producerId, String table) {
        return "producer '" + producerId + "' on " + table;
    }

    static ProducerBufferFullException bufferFull(String producerId, String table, int capacity, long blockTimeoutMs) {
        return new ProducerBufferFullException(who(producerId, table) + ": buffer of " + capacity
                + " bytes stayed full for " + ProducerConfig.BLOCK_TIMEOUT_MS + " (" + blockTimeoutMs
                + " ms); commits are slower than sends");
    }

    static TimeoutException flushTimedOut(String producerId, String table, long timeoutMs) {
        return new TimeoutException(who(producerId, table) + ": messages were still uncommitted after " + timeoutMs + " ms");
    }

    static IllegalStateException closedBeforeCommit(String producerId, String table) {
        return new IllegalStateException(who(producerId, table) + " closed before the message was committed");
    }

    static IllegalStateException cannotCommit(String producerId, String table, Throwable fatal) {
        return new IllegalStateException(who(producerId, table) + " can commit no more: " + fatal.getMessage(), fatal);
    }

    static IllegalStateException closed(String producerId, String table) {
        return new IllegalStateException(who(producerId, table) + " is closed");
    }

    static DeliveryTimeoutException deliveryTimeout(String producerId, String table, long batchSequence,
                                                    long deliveryTimeoutMs, int failures, Throwable last) {
        return new DeliveryTimeoutException(who(producerId, table) + ": batch " + batchSequence
                + " was not committed within " + ProducerConfig.DELIVERY_TIMEOUT_MS + " (" + deliveryTimeoutMs
                + " ms) after " + failures + " failures; last: " + last, last);
    }

    static DeliveryOutcomeUnknownException outcomeUnknown(String producerId, String table, long batchSequence,
                                                          Throwable last) {
        return new DeliveryOutcomeUnknownException(who(producerId, table) + ": batch " + batchSequence
                + " may or may not be committed: an attempt to commit it got no answer and could not be settled"
                + " before the producer gave up on it. Its messages may be in the table (look for txn version "
                + batchSequence + " of appId '" + producerId + "'); sending them again may duplicate them."
                + " Last: " + last, last);
    }

    static ProducerOpenException openFailed(String producerId, String table, long openTimeoutMs, int failures,
                                            Throwable last) {
        return new ProducerOpenException(who(producerId, table) + " could not be opened: storage kept failing for "
                + ProducerConfig.OPEN_TIMEOUT_MS + " (" + openTimeoutMs + " ms), " + failures + " attempts; last: "
                + last.getMessage(), last);
    }

    static IllegalStateException encodingFailed(String producerId, String table, long batchSequence, Throwable cause) {
        return new IllegalStateException(who(producerId, table) + ": encoding batch " + batchSequence + " failed: " + cause,
                cause);
    }

    static IllegalStateException commitThreadFailed(String producerId, String table, Throwable cause) {
        return new IllegalStateException(who(producerId, table) + ": the commit thread failed: " + cause, cause);
    }

    static MessageTooLargeException messageTooLarge(String producerId, String table, int keyLength, int valueLength,
                                                    int headersLength, int maxMessageBytes) {
        long size = (long) Math.max(keyLength, 0) + valueLength + headersLength;
        return new MessageTooLargeException(who(producerId, table) + ": message of " + size + " bytes (key "
                + Math.max(keyLength, 0) + ", value " + valueLength + (headersLength > 0 ? ", headers " + headersLength : "")
                + ") is larger than " + MessageLimits.MAX_MESSAGE_BYTES + " (" + maxMessageBytes + "); nothing was sent");
    }

    static IllegalArgumentException noHeadersColumn(String producerId, String table) {
        return new IllegalArgumentException(who(producerId, table) + ": this table was created before headers and has"
                + " no headers column, so a message with headers cannot be written to it; nothing was sent");
    }
}
