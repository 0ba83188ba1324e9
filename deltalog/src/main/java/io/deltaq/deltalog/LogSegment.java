package io.deltaq.deltalog;

import java.util.List;

/**
 * The files that make up one snapshot: the newest usable checkpoint at or before {@code version}
 * (if any) and every commit after it, contiguous up to {@code version}.
 *
 * @param checkpointVersion -1 when the snapshot is built from version 0
 * @param checkpointParts the checkpoint's files (one, or every part of a multi-part checkpoint)
 * @param commits the commits {@code checkpointVersion + 1 .. version}, ascending
 */
record LogSegment(long version, long checkpointVersion, List<LogFiles.LogFile> checkpointParts,
                  List<LogFiles.LogFile> commits) {
}
