package io.deltaq.consumer;

import io.deltaq.deltalog.Position;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Words every {@link ConsumerException} this module throws, so that each names the table, the
 * version and the file involved and says what to do, and one situation is always described the
 * same way.
 */
final class ConsumerErrors {

    private ConsumerErrors() {
    }

    /* ------------------------------ the table and its log ------------------------------ */

    static ConsumerException tableNeverAppeared(String table, long waitedMs, Throwable cause) {
        return new ConsumerException(table, -1, table + ": no Delta table here; waited " + waitedMs + " ms ("
                + ConsumerConfig.TABLE_WAIT_TIMEOUT_MS + ") for its first commit. Create the table (a producer "
                + "does) or raise " + ConsumerConfig.TABLE_WAIT_TIMEOUT_MS, cause);
    }

    /**
     * @param version the first missing version
     * @param nextExisting the lowest version above it that has a commit or a checkpoint
     */
    static ConsumerException logGap(String table, long version, long nextExisting) {
        String missing = nextExisting == version + 1
                ? "version " + version + " (_delta_log/" + commitFile(version) + ")"
                : "versions " + version + " to " + (nextExisting - 1) + " (_delta_log/" + commitFile(version) + " to "
                        + commitFile(nextExisting - 1) + ")";
        return new ConsumerException(table, version, table + ": the log is missing " + missing + " although version "
                + nextExisting + " exists: a gap (a writer skipped versions, or the log was cleaned up past this "
                + "consumer's position); seek to a retained version", null);
    }

    private static String commitFile(long version) {
        return String.format("%020d", version) + ".json";
    }

    /**
     * A read that kept failing with faults worth retrying (throttling, 5xx, 409, timeouts) for the
     * whole of {@code read.retry.timeout.ms}.
     */
    static ConsumerException readRetriesExhausted(String table, int failures, long budgetMs, Throwable last) {
        return new ConsumerException(table, -1, table + ": storage still failing after " + failures + " attempts over "
                + ConsumerConfig.READ_RETRY_TIMEOUT_MS + " (" + budgetMs + " ms): " + last.getMessage(), last);
    }

    /**
     * @param removes the commit's {@code remove} actions with {@code dataChange true}
     * @param operation the commit's operation, or null when it names none
     */
    static RewriteCommitException rewriteCommit(String table, long version, int removes, String operation) {
        return new RewriteCommitException(table, version, table + ": version " + version + " deletes or rewrites rows ("
                + removes + " remove action(s) with dataChange true" + (operation == null ? "" : ", operation "
                + operation) + "); its rows are not new messages; " + ConsumerConfig.REWRITE_POLICY + " is 'fail' "
                + "(set it to 'skip' to pass over such commits, or seek to version " + (version + 1) + ")");
    }

    /** A read of the log that failed (not a storage failure of a GET the tailer waited on). */
    static ConsumerException logReadFailed(String table, long version, Throwable cause) {
        return new ConsumerException(table, version, table + ": version " + version + ": " + cause, cause);
    }

    /**
     * A GET the tailer started did not complete normally.
     *
     * @param what names it ("reading data file ...")
     * @param thrown what joining it threw: a {@link CompletionException} or a {@link CancellationException}
     */
    static ConsumerException readFailed(String table, long version, String what, Throwable thrown) {
        if (thrown instanceof CancellationException) {
            return new ConsumerException(table, version, table + ": version " + version + ": " + what
                    + " was interrupted", thrown);
        }
        Throwable cause = thrown.getCause() == null ? thrown : thrown.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return new ConsumerException(table, version, table + ": version " + version + ": " + what + " failed: "
                + cause.getMessage(), cause);
    }

    /** Anything else that stopped the tailing thread. */
    static ConsumerException tailerStopped(String table, long version, Throwable cause) {
        return new ConsumerException(table, version, table + ": consumer stopped at version " + version + ": "
                + cause, cause);
    }

    /**
     * @param logStart the oldest version whose rows the table still holds
     */
    static PositionOutOfRangeException positionOutOfRange(String table, Position position, long logStart) {
        return new PositionOutOfRangeException(table, position, logStart, table + ": position " + position.version()
                + ":" + position.index() + " is before the log start version " + logStart + " (retention removed "
                + "those rows and maintenance deleted their files or commits); " + ConsumerConfig.AUTO_OFFSET_RESET
                + " is '" + ConsumerConfig.AUTO_OFFSET_RESET_NONE + "' (set it to '"
                + ConsumerConfig.AUTO_OFFSET_RESET_EARLIEST + "' or '" + ConsumerConfig.AUTO_OFFSET_RESET_LATEST
                + "', or seek to version " + logStart + ")");
    }

    /** A compacted file holds fewer rows than its tags give the versions in it. */
    static ConsumerException compactedFileTooShort(String table, long version, String file, long neededRows,
                                                   long rows) {
        return new ConsumerException(table, version, table + ": version " + version + ": compacted data file " + file
                + " holds " + rows + " rows, but its tags place this version's rows up to row " + neededRows, null);
    }

    /* ------------------------------ data files ------------------------------ */

    static ConsumerException cannotDecode(String table, long version, String file, Throwable cause) {
        return new ConsumerException(table, version, table + ": version " + version + ": cannot decode data file "
                + file + ": " + cause.getMessage(), cause);
    }

    static ConsumerException tooManyRows(String table, long version) {
        return new ConsumerException(table, version, table + ": version " + version + " adds more than "
                + (Position.MAX_INDEX + 1) + " rows, beyond what a position can address", null);
    }

    /**
     * @param length the message's record length in the ring
     * @param maxLength the longest record the ring takes
     * @param ringBytesNeeded the smallest {@code buffer.bytes} that takes the record
     */
    static ConsumerException messageTooLarge(String table, long version, long index, String file, int length,
                                             int keyLength, int valueLength, int headersLength, int maxLength,
                                             long ringBytesNeeded) {
        return new ConsumerException(table, version, table + ": message " + version + ":" + index + " in " + file
                + " takes " + length + " bytes (key " + keyLength + ", value " + valueLength
                + (headersLength > 0 ? ", headers " + headersLength : "") + "), more than the "
                + "largest record the ring takes (" + maxLength + "); raise " + ConsumerConfig.BUFFER_BYTES
                + " to at least " + ringBytesNeeded, null);
    }

    /* ------------------------------ the start position ------------------------------ */

    static ConsumerException committedForAnotherTable(String table, String consumerName,
                                                      CommittedPositions.Committed committed, String tableId) {
        return new ConsumerException(table, -1, table + ": the committed position of consumer '" + consumerName
                + "' (" + committed.position() + ", generation " + committed.generation() + ") belongs to table id "
                + committed.tableId() + ", but the table's id is now " + tableId + " (was it deleted and created "
                + "again?); delete " + CommittedPositions.DIR + consumerName + "/ under the table or use another "
                + ConsumerConfig.CONSUMER_NAME, null);
    }

    static ConsumerException versionVanishedDuringSearch(String table, long version) {
        return new ConsumerException(table, version, table + ": version " + version
                + " vanished while searching commits by timestamp", null);
    }

    static ConsumerException noCommitTimestamp(String table, long version) {
        return new ConsumerException(table, version, table + ": version " + version + " has no commitInfo "
                + "timestamp, so a start by timestamp cannot be resolved; start from a version instead", null);
    }

    static ConsumerException versionZeroGone(String table) {
        return new ConsumerException(table, 0, table + ": version 0 is gone (log cleaned up); start at a later "
                + "version", null);
    }

    static ConsumerException startReadTimedOut(String table, long version, long timeoutMs, Throwable cause) {
        return new ConsumerException(table, version, table + ": reading version " + version + " took longer than "
                + timeoutMs + " ms", cause);
    }

    static ConsumerException startReadInterrupted(String table, long version, Throwable cause) {
        return new ConsumerException(table, version, table + ": interrupted reading version " + version, cause);
    }

    static ConsumerException startReadFailed(String table, long version, Throwable cause) {
        return new ConsumerException(table, version, table + ": reading version " + version + " failed: " + cause,
                cause);
    }

    /* ------------------------------ committed positions ------------------------------ */

    static ConsumerException positionVanished(String table, String key, String consumerName) {
        return new ConsumerException(table, -1, table + ": committed position " + key + " was listed but vanished "
                + "three times; is another instance of '" + consumerName + "' deleting them?", null);
    }

    static ConsumerException positionNotStored(String table, String consumerName, String key, int attempts,
                                               Throwable cause) {
        return new ConsumerException(table, -1, table + ": could not learn whether the position of consumer '"
                + consumerName + "' was stored at " + key + " after " + attempts + " attempts (outcome unknown: "
                + cause.getMessage() + "); commit again to settle it", cause);
    }

    /**
     * @param generation the generation another instance wrote
     * @param writtenBy who wrote it, as " by ...", or empty when unknown
     * @param startedFrom the generation this instance started from
     */
    static ConsumerFencedException fenced(String table, String consumerName, long generation, String key,
                                          String writtenBy, long startedFrom) {
        return new ConsumerFencedException(table, table + ": consumer name '" + consumerName + "' is in use by "
                + "another instance: generation " + generation + " (" + key + ") was written" + writtenBy
                + " after this instance started from generation " + startedFrom + "; this instance can no longer "
                + "commit positions. Run one instance per " + ConsumerConfig.CONSUMER_NAME + ".");
    }

    static ConsumerException positionNotJson(String table, String key, Throwable cause) {
        return new ConsumerException(table, -1, table + ": committed position " + key + " is not valid JSON: "
                + cause.getMessage(), cause);
    }

    static ConsumerException positionInvalid(String table, String key, long version, long index) {
        return new ConsumerException(table, -1, table + ": committed position " + key
                + " lacks a valid version and index (version " + version + ", index " + index + ")", null);
    }

    /** {@code what} names the storage request ("writing <key>", "listing <prefix>"). */
    static ConsumerException positionsTimedOut(String table, String what, Throwable cause) {
        return new ConsumerException(table, -1, table + ": timed out " + what, cause);
    }

    static ConsumerException positionsInterrupted(String table, String what, Throwable cause) {
        return new ConsumerException(table, -1, table + ": interrupted " + what, cause);
    }

    static ConsumerException positionsFailed(String table, String what, Throwable cause) {
        return new ConsumerException(table, -1, table + ": failed " + what + ": " + cause.getMessage(), cause);
    }

    /* ------------------------------ the application's calls ------------------------------ */

    /** {@code what} names what was waited for ("resolving the start position"). */
    static ConsumerException apiTimedOut(String table, String what, long timeoutMs) {
        return new ConsumerException(table, -1, table + ": " + what + " took longer than " + timeoutMs + " ms ("
                + ConsumerConfig.DEFAULT_API_TIMEOUT_MS + ")", null);
    }

    static ConsumerException tailerDidNotStop(String table, String threadName, Duration timeout) {
        return new ConsumerException(table, -1, table + ": tailing thread " + threadName + " did not stop within "
                + timeout, null);
    }
}
