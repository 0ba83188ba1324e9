package io.deltaq.bench.driver;

/** Receives each delivered message's {@link Payload} header, decoded by the driver. */
@FunctionalInterface
public interface MessageSink {

    void onMessage(long intendedMicros, int producerIndex, long sequence);
}
