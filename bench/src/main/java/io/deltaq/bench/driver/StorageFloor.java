package io.deltaq.bench.driver;

/**
 * The median round trips of the object store, measured before a sweep: the latency floor of a
 * message that needs a data-file write, a commit write, a commit read and a data-file read.
 *
 * @param putIfAbsentMicros median conditional PUT of a small object
 * @param getMicros median GET of a small object
 */
public record StorageFloor(String target, int samples, double putIfAbsentMicros, double getMicros) {

    /** Two writes and two reads: the least a message can take from producer to consumer. */
    public double floorMicros() {
        return 2 * putIfAbsentMicros + 2 * getMicros;
    }
}
