package io.deltaq.s3io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a producer's or consumer's metrics are published while it is open: always as JMX MBeans
 * ({@link JmxMetrics}), and as Micrometer gauges on {@code Metrics.globalRegistry} when the embedding
 * application has Micrometer ({@code io.micrometer:micrometer-core}) on its class path. deltaq never
 * brings Micrometer; an application that has it but wants none of deltaq's meters denies them with a
 * {@code MeterFilter} on the prefix {@code deltaq.}.
 */
public final class ClientMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ClientMetrics.class);

    /** Whether Micrometer can be used: checked by name, so that nothing of it is loaded when absent. */
    private static final boolean MICROMETER = present("io.micrometer.core.instrument.Metrics");

    private ClientMetrics() {
    }

    /** A publication; {@link #close()} withdraws it. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Publishes a client's {@code metrics} and its store's per-operation figures under
     * {@code io.deltaq:type=TYPE,k1=v1,...} (JMX) and {@code deltaq.<type>.<figure>} with tags
     * {@code k1=v1,...} (Micrometer, where present). A client whose JMX name is taken (another client
     * with the same id in this JVM) publishes nothing, as Kafka's clients do.
     */
    public static Registration publish(String type, Object metrics, StoreMetrics store, String... keysAndValues) {
        Registration jmx = JmxMetrics.register(type, metrics, store, keysAndValues);
        if (jmx == JmxMetrics.NONE || !MICROMETER) {
            return jmx;
        }
        Registration micrometer;
        try {
            micrometer = MicrometerMetrics.bind(type, metrics, store, keysAndValues);
        } catch (RuntimeException | LinkageError e) {
            // An application's Micrometer too old or too new for these calls must not stop a client opening.
            LOG.warn("{} metrics could not be bound to Micrometer: {}", type, e.toString());
            micrometer = () -> { };
        }
        Registration bound = micrometer;
        return () -> {
            bound.close();
            jmx.close();
        };
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, ClientMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
