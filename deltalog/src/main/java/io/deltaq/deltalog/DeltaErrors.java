package io.deltaq.deltalog;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Words every user-facing error of this library, so that each one names the table, the file and the
 * version involved, and the same situation is always described the same way.
 */
final class DeltaErrors {

    private DeltaErrors() {
    }

    /* ------------------------------ log content ------------------------------ */

    static CorruptLogException truncatedJson(String file, long version, long line, Throwable cause) {
        return new CorruptLogException(
                at(file, version, line) + ": truncated JSON (the file ends inside an action)", version, cause);
    }

    static CorruptLogException invalidJson(String file, long version, long line, long column, String problem,
                                           Throwable cause) {
        return new CorruptLogException(
                at(file, version, line) + ", column " + column + ": invalid JSON: " + problem, version, cause);
    }

    static CorruptLogException notAnAction(String file, long version, long line, String problem) {
        return new CorruptLogException(at(file, version, line) + ": " + problem, version, null);
    }

    static CorruptLogException missingField(String file, long version, long line, String action, String field) {
        return new CorruptLogException(
                at(file, version, line) + ": '" + action + "' action lacks required field '" + field + "'",
                version, null);
    }

    static CorruptLogException wrongType(String file, long version, long line, String action, String field,
                                         String expected, String actual) {
        return new CorruptLogException(
                at(file, version, line) + ": field '" + field + "' of '" + action + "' should be " + expected
                        + " but is " + actual, version, null);
    }

    static CorruptLogException invalidStats(long version, String path, String problem, Throwable cause) {
        return new CorruptLogException(
                "the statistics of data file '" + path + "' (added at or before version " + version
                        + ") are not valid: " + problem, version, cause);
    }

    static CorruptLogException invalidCompactedRange(long version, String path, String problem) {
        return new CorruptLogException(
                "the compaction tags (" + CompactedRange.FROM_VERSION_TAG + ", " + CompactedRange.VERSION_ROWS_TAG
                        + ") of data file '" + path + "' (added at or before version " + version
                        + ") are not valid: " + problem, version, null);
    }

    static CorruptLogException invalidPath(String table, String file, long version, String path, String problem) {
        return new CorruptLogException(
                table + ": " + file + " (version " + version + ") names data file '" + path
                        + "', which is not a valid path inside the table: " + problem, version, null);
    }

    static CorruptLogException pathOutsideTable(String table, String file, long version, String path) {
        return new CorruptLogException(
                table + ": " + file + " (version " + version + ") names data file '" + path
                        + "', which lies outside the table root; reading it needs allowPathsOutsideTable",
                version, null);
    }

    static CorruptLogException invalidSchema(String table, long version, String problem, Throwable cause) {
        return new CorruptLogException(
                table + ": the schemaString of the metadata at version " + version + " is not a valid Delta schema: "
                        + problem, version, cause);
    }

    static CorruptLogException corruptCheckpoint(String file, long version, String problem, Throwable cause) {
        return new CorruptLogException(
                "checkpoint " + file + " (version " + version + ") cannot be read: " + problem, version, cause);
    }

    static CorruptLogException corruptCheckpointNoFallback(
            String file, long version, String problem, Throwable cause, String fallbackProblem) {
        return new CorruptLogException(
                "checkpoint " + file + " (version " + version + ") cannot be read: " + problem
                        + "; the log before it cannot replace it: " + fallbackProblem, version, cause);
    }

    static CorruptLogException noProtocolOrMetadata(String table, long version, String missing) {
        return new CorruptLogException(
                table + ": the log up to version " + version + " holds no " + missing + " action", version, null);
    }

    static CorruptLogException commitNotContiguous(String table, long version, String problem) {
        return new CorruptLogException(table + ": version " + version + ": " + problem, version, null);
    }

    /* ------------------------------ log structure ------------------------------ */

    static TableNotFoundException tableNotFound(String table) {
        return new TableNotFoundException(table + ": no Delta table here (_delta_log holds no commit or checkpoint)");
    }

    static LogGapException gapAfterCheckpoint(String table, long checkpointVersion, long missingVersion,
                                              long latestVersion) {
        return new LogGapException(
                table + ": the log is missing version " + missingVersion + " (commit file "
                        + LogFiles.commitName(missingVersion) + ") between the checkpoint at version "
                        + checkpointVersion + " and the latest version " + latestVersion, missingVersion);
    }

    static LogGapException gapWithoutCheckpoint(String table, long missingVersion, long latestVersion) {
        return new LogGapException(
                table + ": the log is missing version " + missingVersion + " (commit file "
                        + LogFiles.commitName(missingVersion) + ") and no checkpoint covers it; latest version is "
                        + latestVersion, missingVersion);
    }

    static LogGapException checkpointVanished(String file, long version) {
        return new LogGapException("checkpoint " + file + " (version " + version + ") was listed but no longer "
                + "exists (deleted while reading?)", version);
    }

    static LogGapException commitVanished(String table, long version) {
        return new LogGapException(
                table + ": commit " + LogFiles.commitName(version) + " was listed but could not be read "
                        + "(deleted while reading?)", version);
    }

    static DeltaLogException versionNotFound(String table, long requested, long latest) {
        return new DeltaLogException(
                table + ": cannot load version " + requested + "; the latest version is " + latest);
    }

    static DeltaLogException versionNotReconstructable(String table, long requested, long earliest) {
        return new DeltaLogException(
                table + ": cannot load version " + requested + "; no checkpoint at or before it and the earliest "
                        + "commit is version " + earliest);
    }

    /* ------------------------------ protocol gate ------------------------------ */

    static UnsupportedTableFeatureException unsupportedReaderVersion(String table, int readerVersion) {
        return new UnsupportedTableFeatureException(
                table + ": requires Delta reader version " + readerVersion
                        + "; deltaq reads versions 1, 2 (without column mapping) and 3 (with supported features)",
                Set.of());
    }

    static UnsupportedTableFeatureException unsupportedReaderFeatures(String table, Collection<String> features) {
        Set<String> sorted = new TreeSet<>(features);
        return new UnsupportedTableFeatureException(
                table + ": requires Delta reader table feature(s) " + sorted
                        + " which deltaq does not implement", sorted);
    }

    static UnsupportedTableFeatureException unsupportedColumnMapping(String table, String mode) {
        return new UnsupportedTableFeatureException(
                table + ": uses column mapping (delta.columnMapping.mode = " + mode
                        + "), which deltaq does not implement (table feature columnMapping)", Set.of("columnMapping"));
    }

    static UnsupportedTableFeatureException v2CheckpointFound(String table, String file) {
        return new UnsupportedTableFeatureException(
                table + ": its newest checkpoint " + file
                        + " is a UUID-named v2 checkpoint (reader table feature v2Checkpoint), which deltaq does not "
                        + "implement", Set.of("v2Checkpoint"));
    }

    static UnsupportedTableFeatureException unsupportedWriterVersion(String table, int writerVersion) {
        return new UnsupportedTableFeatureException(
                table + ": requires Delta writer version " + writerVersion
                        + "; deltaq writes versions 1, 2 and 7 (with supported features)", Set.of());
    }

    static UnsupportedTableFeatureException unsupportedWriterFeatures(String table, Collection<String> features) {
        Set<String> sorted = new TreeSet<>(features);
        return new UnsupportedTableFeatureException(
                table + ": requires Delta writer table feature(s) " + sorted
                        + " which deltaq does not implement", sorted);
    }

    /* ------------------------------ tables ------------------------------ */

    static IncompatibleTableException notAMessageTable(String table, long version, String problem) {
        return new IncompatibleTableException(
                table + ": not a deltaq message table (metadata at version " + version + "): " + problem);
    }

    static DataFileNotFoundException dataFileNotFound(String table, String path, long addedInVersion) {
        return new DataFileNotFoundException(
                table + ": data file '" + path + "' (added at or before version " + addedInVersion
                        + ") does not exist in storage");
    }

    static DeltaLogException corruptDataFile(String table, String path, long addedInVersion, String problem,
                                             Throwable cause) {
        return new DeltaLogException(
                table + ": data file '" + path + "' (added at or before version " + addedInVersion
                        + ") cannot be read: " + problem, cause);
    }

    static DeltaStorageException storageFailure(String what, Throwable cause) {
        return new DeltaStorageException(what + " failed: " + reason(cause), cause);
    }

    static DeltaStorageException dataFileTaken(String file) {
        return new DeltaStorageException("data file " + file + " already exists with other bytes; it was not"
                + " overwritten. Upload the batch under a fresh name.", null);
    }

    static DeltaLogException tooLargeToRead(String what, Throwable cause) {
        return new DeltaLogException(what + " refused: " + cause.getMessage()
                + " (fetch.max.bytes, DeltaLogOptions.maxReadBytes)", cause);
    }

    static DeltaLogException tooLargeToRead(String what, String field, long value, long bound) {
        return new DeltaLogException(what + " refused: " + field + " is " + value + " bytes, over the bound of "
                + bound + " bytes (fetch.max.bytes, DeltaLogOptions.maxReadBytes)");
    }

    static DeltaStorageException timeout(String what, long timeoutMs) {
        return new DeltaStorageException(what + " did not complete within " + timeoutMs + " ms", null, true);
    }

    /* ------------------------------ commits ------------------------------ */

    static CommitConflictException protocolChanged(String table, long attempted, long winner) {
        return new CommitConflictException(
                table + ": commit for version " + attempted + " abandoned: the concurrent commit at version " + winner
                        + " changed the protocol; open a new writer to re-validate the table", attempted, winner);
    }

    static CommitConflictException metadataChanged(String table, long attempted, long winner) {
        return new CommitConflictException(
                table + ": commit for version " + attempted + " abandoned: the concurrent commit at version " + winner
                        + " changed the table metadata; open a new writer to re-validate the table",
                attempted, winner);
    }

    static CommitConflictException writerIdInUse(String table, long attempted, long winner, String writerId,
                                                 long txnVersion) {
        return new CommitConflictException(
                table + ": commit for version " + attempted + " abandoned: version " + winner + " holds txn '"
                        + writerId + "' version " + txnVersion + " written by another process with the same writer "
                        + "id; writer ids must be unique", attempted, winner);
    }

    static CommitFailedException commitStorageFailure(String file, long version, Throwable cause, boolean retryable) {
        return new CommitFailedException(
                "commit " + file + " (version " + version + ") was not written: " + reason(cause)
                        + (retryable ? " (transient; nothing was written, the commit can be retried)" : ""),
                version, retryable, false, cause);
    }

    static CommitFailedException tooManyAttempts(String table, long version, int attempts) {
        return new CommitFailedException(
                table + ": commit lost the race for " + attempts + " versions in a row, up to version " + version
                        + "; giving up", version, true, true, null);
    }

    static CommitStateUnknownException commitStateUnknown(String file, long version, Throwable cause) {
        return new CommitStateUnknownException(
                "commit " + file + " (version " + version + "): the conditional write's outcome is unknown and "
                        + "reading the version back failed: " + (cause == null ? "no answer" : reason(cause))
                        + "; open a new writer from a fresh snapshot, whose txn state tells whether it landed",
                version, cause);
    }

    static CommitStateUnknownException writerUnusable(String table, long version) {
        return new CommitStateUnknownException(
                table + ": this writer's commit for version " + version + " has an unknown outcome; "
                        + "open a new writer from a fresh snapshot", version, null);
    }

    static CommitConflictException createConflict(String table, String problem) {
        return new CommitConflictException(table + ": " + problem, 0, 0);
    }

    /* ------------------------------ maintenance ------------------------------ */

    static IllegalArgumentException invalidTableProperty(String table, String problem) {
        return new IllegalArgumentException(table + ": " + problem + "; nothing was written");
    }

    static MaintenanceConflictException maintenanceConflict(String table, String operation, long attempted,
                                                            long winner, String problem) {
        return new MaintenanceConflictException(
                table + ": " + operation + " commit for version " + attempted + " abandoned: the concurrent commit at "
                        + "version " + winner + " " + problem + "; the next run starts from a fresh snapshot",
                attempted, winner);
    }

    static CommitStateUnknownException maintenanceCommitUnknown(String file, String operation, long version,
                                                                Throwable cause) {
        return new CommitStateUnknownException(
                operation + " commit " + file + " (version " + version + "): the conditional write's outcome is "
                        + "unknown and reading the version back failed: " + (cause == null ? "no answer" : reason(cause))
                        + "; the next run starts from a fresh snapshot, where it either is or is not",
                version, cause);
    }

    static DeltaLogException cannotCompact(String table, String path, long version, String problem) {
        return new DeltaLogException(
                table + ": cannot compact data file '" + path + "' (added at version " + version + "): " + problem);
    }

    static CorruptLogException corruptLease(String file, String problem, Throwable cause) {
        return new CorruptLogException("maintenance lease " + file + " is not a lease: " + problem
                + "; delete it, or let a newer epoch replace it", -1, cause);
    }

    static CorruptLogException corruptMaintenanceRun(String file, String problem, Throwable cause) {
        return new CorruptLogException("maintenance record " + file + " is not a record of a run: " + problem
                + "; the next maintenance pass replaces it", -1, cause);
    }

    /* ------------------------------ helpers ------------------------------ */

    /** A failure's message, or its type when it has none (timeouts). */
    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private static String of(String file, long version) {
        return version < 0 ? file : file + " (version " + version + ")";
    }

    private static String at(String file, long version, long line) {
        return of(file, version) + ", line " + line;
    }
}
