package io.deltaq.bench.driver;

import java.util.Map;
import java.util.Optional;

/** What a driver's clients talk to, as started or reached by the coordinator. */
public interface BenchTarget extends AutoCloseable {

    /** One line for the summary, e.g. {@code in-process KRaft broker 127.0.0.1:41234}. */
    String describe();

    /** Everything a worker needs to open clients against this target, as strings. */
    Map<String, String> connection();

    /** Creates a new, empty topic named {@code name} and returns the name the clients use for it. */
    String createTopic(String name) throws Exception;

    /**
     * The median round trips of the storage the system writes to, when it has one worth measuring
     * (deltaq's object store); empty otherwise.
     *
     * @param samples round trips of each kind
     */
    default Optional<StorageFloor> measureFloor(int samples) throws Exception {
        return Optional.empty();
    }

    @Override
    void close();
}
