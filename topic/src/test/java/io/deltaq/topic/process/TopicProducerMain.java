package io.deltaq.topic.process;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.deltaq.topic.TopicPosition;
import io.deltaq.topic.TopicProducer;

/**
 * One topic producer in a JVM of its own, for {@code GroupProcessesContractTest}: sends COUNT
 * messages with key {@code k<seq mod KEYS>} and value {@code p<ID>-<seq>}, one every PACE_US
 * microseconds, and prints {@code ack <seq> <partition> <version> <index>} for each, then {@code done}.
 *
 * <p>Usage: {@code TopicProducerMain ADDRESS ID COUNT KEYS PACE_US}.
 */
public final class TopicProducerMain {

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String id = args[1];
        int count = Integer.parseInt(args[2]);
        int keys = Integer.parseInt(args[3]);
        long paceNs = Long.parseLong(args[4]) * 1_000;
        try (TopicProducer producer = TopicProducer.open(args[0], Map.of("producer.id", "producer-" + id))) {
            List<CompletableFuture<TopicPosition>> acks = new ArrayList<>();
            long start = System.nanoTime();
            for (int seq = 0; seq < count; seq++) {
                while (System.nanoTime() < start + seq * paceNs) {
                    Thread.onSpinWait();
                }
                int s = seq;
                acks.add(producer.send(("k" + seq % keys).getBytes(StandardCharsets.UTF_8),
                        ("p" + id + "-" + seq).getBytes(StandardCharsets.UTF_8)).whenComplete((pos, e) -> {
                            if (e == null) {
                                out.println("ack " + s + " " + pos.partition() + " " + pos.position().version() + " "
                                        + pos.position().index());
                            } else {
                                out.println("failed " + s + " " + e);
                            }
                        }));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            producer.flush(Duration.ofSeconds(60));
        }
        out.println("done");
    }
}
