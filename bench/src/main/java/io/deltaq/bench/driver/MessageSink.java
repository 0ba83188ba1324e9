package io.deltaq.bench.driver;

/** Receives each delivered message's {@link Payload} header, decoded by the driver, and the partition it came from. */
@FunctionalInterface
public interface MessageSink {

    void onMessage(int partition, long intendedMicros, int producerIndex, long sequence);
}
