package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cli module stays below bench: no Kafka (the bench's Kafka driver brings it, with its own
 * logging and Scala) and nothing of bench on its class path, tests included. A dependency that
 * drags either in fails here instead of in a review of {@code mvn dependency:tree}.
 */
class ClassPathTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "org.apache.kafka.clients.producer.KafkaProducer", // kafka-clients
            "kafka.server.KafkaRaftServer", // kafka_2.13, the broker
            "io.deltaq.bench.BenchCommand", // the benchmark module
    })
    void isNotLoadable(String className) {
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName(className, false, ClassPathTest.class.getClassLoader()),
                className + " is on the cli class path");
    }
}
