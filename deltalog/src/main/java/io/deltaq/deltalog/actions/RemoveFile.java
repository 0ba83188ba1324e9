package io.deltaq.deltalog.actions;

import java.util.Map;

/**
 * The {@code remove} action: a logical file leaves the table and stays as a tombstone until it
 * expires.
 *
 * @param path an RFC 2396 URI, as in {@link AddFile#path()}
 * @param deletionTimestamp milliseconds since the epoch, or null
 * @param dataChange false when the removed rows are re-added in the same commit (compaction)
 * @param extendedFileMetadata null when absent
 * @param partitionValues null when absent
 * @param size null when absent
 * @param stats null when absent
 * @param tags null when absent
 * @param deletionVector null when the file had none
 */
public record RemoveFile(
        String path, Long deletionTimestamp, boolean dataChange, Boolean extendedFileMetadata,
        Map<String, String> partitionValues, Long size, String stats, Map<String, String> tags,
        DeletionVector deletionVector) implements Action {

    public static final String NAME = "remove";

    public RemoveFile {
        Actions.required(path, NAME, "path");
        partitionValues = Actions.copyMap(partitionValues);
        tags = Actions.copyMap(tags);
    }

    @Override
    public String actionName() {
        return NAME;
    }
}
