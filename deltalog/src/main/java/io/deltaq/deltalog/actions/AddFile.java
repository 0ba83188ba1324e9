package io.deltaq.deltalog.actions;

import java.util.Map;

/**
 * The {@code add} action: a logical file becomes part of the table.
 *
 * @param path the file's path as written in the log: an RFC 2396 URI, relative to the table root
 *     or absolute; decode it before use
 * @param partitionValues partition column to serialized value; values may be null
 * @param size the file's size in bytes
 * @param modificationTime milliseconds since the epoch
 * @param dataChange false when the file only rearranges data already in the table (compaction)
 * @param stats the statistics JSON string, or null
 * @param tags may be null
 * @param deletionVector null when the file has none
 */
public record AddFile(
        String path, Map<String, String> partitionValues, long size, long modificationTime, boolean dataChange,
        String stats, Map<String, String> tags, DeletionVector deletionVector) implements Action {

    public static final String NAME = "add";

    public AddFile {
        Actions.required(path, NAME, "path");
        partitionValues = Actions.copyMap(Actions.required(partitionValues, NAME, "partitionValues"));
        tags = Actions.copyMap(tags);
    }

    /** An add of a new, unpartitioned file with statistics: what a deltaq producer commits. */
    public static AddFile ofNewFile(String path, long size, long modificationTime, String stats) {
        return new AddFile(path, Map.of(), size, modificationTime, true, stats, null, null);
    }

    /** The same add under another path: a data file uploaded again under a fresh name. */
    public AddFile withPath(String newPath) {
        return new AddFile(newPath, partitionValues, size, modificationTime, dataChange, stats, tags, deletionVector);
    }

    @Override
    public String actionName() {
        return NAME;
    }
}
