package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import java.util.List;
import java.util.function.Consumer;

/**
 * Encodes and decodes classic Parquet checkpoint files (one row per action, one struct column per
 * action type). Kept behind this interface so that the log logic does not depend on the Parquet
 * library.
 */
interface CheckpointFormat {

    /**
     * Decodes one checkpoint file (or one part of a multi-part checkpoint), handing every
     * {@code protocol}, {@code metaData}, {@code txn}, {@code add} and {@code remove} row to
     * {@code sink}; other action columns may be skipped.
     *
     * @param file the file's location, for messages
     * @throws CorruptLogException if the file is not a readable checkpoint
     */
    void read(String file, long version, byte[] data, Consumer<? super Action> sink);

    /** Encodes the actions of a checkpoint as one Parquet file. */
    byte[] write(List<? extends Action> actions);
}
