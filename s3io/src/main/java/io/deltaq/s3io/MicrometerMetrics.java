package io.deltaq.s3io;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binds a client's figures to Micrometer's global registry, where frameworks such as Spring Boot add
 * their registries: one gauge per {@linkplain Figures figure}, named the way Micrometer's own Kafka
 * client binder names Kafka's ({@code deltaq.producer.lost.races}, tags {@code producer.id} and
 * {@code table}), and the store's per operation ({@code deltaq.store.requests}, plus tag
 * {@code operation}). Each gauge reads its method when scraped, as the JMX attributes do.
 *
 * <p>Loaded only by {@link ClientMetrics}, and only when Micrometer is on the class path: deltaq does
 * not bring it.
 */
final class MicrometerMetrics {

    private MicrometerMetrics() {
    }

    static ClientMetrics.Registration bind(String type, Object metrics, StoreMetrics store, String... keysAndValues) {
        MeterRegistry registry = Metrics.globalRegistry;
        List<Tag> tags = tags(keysAndValues);
        List<Meter> meters = new ArrayList<>();
        gauges(registry, "deltaq." + type.replace("-metrics", ""), metrics, tags, meters);
        for (StoreMetrics.Operation op : StoreMetrics.Operation.values()) {
            List<Tag> opTags = new ArrayList<>(tags);
            opTags.add(Tag.of("operation", op.label()));
            gauges(registry, "deltaq.store", new OperationFigures(store, op), opTags, meters);
        }
        return () -> meters.forEach(registry::remove);
    }

    private static void gauges(MeterRegistry registry, String prefix, Object figures, List<Tag> tags, List<Meter> into) {
        for (Map.Entry<String, Method> figure : Figures.of(figures).entrySet()) {
            Method getter = figure.getValue();
            into.add(Gauge.builder(prefix + "." + figure.getKey().replace('-', '.'), figures, f -> read(getter, f))
                    .tags(tags)
                    .strongReference(true) // the client holds the metrics, but a gauge must never go NaN before close
                    .register(registry));
        }
    }

    private static List<Tag> tags(String... keysAndValues) {
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            tags.add(Tag.of(keysAndValues[i].replace('-', '.'), keysAndValues[i + 1]));
        }
        return tags;
    }

    private static double read(Method getter, Object figures) {
        try {
            Object value = getter.invoke(figures);
            return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
        } catch (IllegalAccessException | InvocationTargetException e) {
            return Double.NaN; // Micrometer's "no value"; a figure's getter does not throw
        }
    }
}
