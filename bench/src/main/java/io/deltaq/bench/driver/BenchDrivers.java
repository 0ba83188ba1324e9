package io.deltaq.bench.driver;

import java.util.List;
import java.util.Optional;

/** The drivers {@code --driver} knows, by name. */
public final class BenchDrivers {

    private static final List<BenchDriver> ALL = List.of(new DeltaqDriver(), new KafkaDriver());

    private BenchDrivers() {
    }

    public static Optional<BenchDriver> byName(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(BenchDriver::name).toList();
    }
}
