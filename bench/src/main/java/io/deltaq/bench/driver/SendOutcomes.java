package io.deltaq.bench.driver;

/**
 * Hears the fate of each message a {@link BenchProducer} accepted, by its offer index (0 for the
 * first message that producer accepted, then 1, 2, ...), for the delivery audit. Called on the
 * client's completion thread; must not allocate per message.
 */
public interface SendOutcomes {

    /** The message is durable. */
    void acknowledged(long offerIndex);

    /** The message was reported failed; {@code cause} says whether its outcome is unknown. */
    void failed(long offerIndex, Throwable cause);

    /** Hears nothing. */
    SendOutcomes NONE = new SendOutcomes() {
        @Override
        public void acknowledged(long offerIndex) {
        }

        @Override
        public void failed(long offerIndex, Throwable cause) {
        }
    };
}
