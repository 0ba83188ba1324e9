package io.deltaq.deltalog;

/** Chooses the checkpoint format implementation. */
final class Checkpoints {

    private Checkpoints() {
    }

    /** The classic Parquet checkpoint format. */
    static CheckpointFormat defaultFormat() {
        return new ParquetCheckpointFormat();
    }
}
