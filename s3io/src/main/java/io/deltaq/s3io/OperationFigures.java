package io.deltaq.s3io;

/** One store operation's figures, as JMX and Micrometer publish them beside a client's. */
final class OperationFigures {
    private final StoreMetrics store;
    private final StoreMetrics.Operation op;

    OperationFigures(StoreMetrics store, StoreMetrics.Operation op) {
        this.store = store;
        this.op = op;
    }

    public long requests() {
        return store.snapshot(op).requests();
    }

    public long failures() {
        return store.snapshot(op).failures();
    }

    public long retries() {
        return store.snapshot(op).retries();
    }

    public long bytes() {
        return store.snapshot(op).bytes();
    }

    public double latencyP50Ms() {
        return store.snapshot(op).latencyMicros(50) / 1_000;
    }

    public double latencyP99Ms() {
        return store.snapshot(op).latencyMicros(99) / 1_000;
    }

    public double latencyMaxMs() {
        return store.snapshot(op).latencyMicros(100) / 1_000;
    }
}
