package io.deltaq.deltalog;

/**
 * What a commit means to a queue consumer, which delivers only the data the table gained.
 *
 * <p>Policy for consumers: deliver the rows of {@link Commit#dataAdds()} for {@link #GAINS_DATA};
 * skip {@link #NO_DATA_CHANGE}; for {@link #REWRITE} never redeliver the re-added rows as new
 * messages (DELETE, UPDATE and MERGE re-add rewritten files with {@code dataChange true}): the
 * consumer reports the commit and follows its configured policy (skip it, or stop with an error).
 */
public enum Delivery {
    /** {@code add} actions with {@code dataChange true} and no {@code remove} with {@code dataChange true}. */
    GAINS_DATA,
    /**
     * Nothing to deliver: metadata, protocol or {@code txn} changes, a compaction whose actions all
     * have {@code dataChange false}, or a deltaq retention ({@link Commit#isRetention()}).
     */
    NO_DATA_CHANGE,
    /**
     * At least one {@code remove} with {@code dataChange true}, not a deltaq retention: rows were
     * deleted or rewritten.
     */
    REWRITE
}
