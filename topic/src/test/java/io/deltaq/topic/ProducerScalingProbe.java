package io.deltaq.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/**
 * A measurement, not a test (RFC 0006, "Measured"): N topic producers, each on its own thread with
 * its own partition producers, paced at rate/N keyless messages a second, against the in-process S3
 * server; prints the acknowledgement latency (ack time minus intended send time) and the races lost.
 * Usage: {@code ProducerScalingProbe N P RATE SECONDS AVOID_CONTENTION}.
 */
public final class ProducerScalingProbe {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int partitions = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        boolean avoid = Boolean.parseBoolean(args[4]);
        int warmupSeconds = 3;
        ObjectStore store = TestS3.freshStore("probe");
        String path = "probe";
        Topic.create(store, path, partitions, Map.of());
        List<TopicProducer> producers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            producers.add(TopicProducer.create(store, path, Map.of(TopicProducer.PARTITIONER_AVOID_CONTENTION, avoid)));
        }
        long perProducer = (long) rate * seconds / n;
        long[][] latencies = new long[n][(int) perProducer];
        AtomicLong[] acked = new AtomicLong[n];
        CountDownLatch done = new CountDownLatch(n);
        long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        long intervalNs = TimeUnit.SECONDS.toNanos(1) * n / rate;
        long warmupMessages = (long) rate * warmupSeconds / n;
        byte[] value = new byte[100];
        for (int i = 0; i < n; i++) {
            int id = i;
            acked[i] = new AtomicLong();
            TopicProducer producer = producers.get(i);
            Thread t = new Thread(() -> {
                long total = warmupMessages + perProducer;
                for (long m = 0; m < total; m++) {
                    long intended = startNs + m * intervalNs + id * intervalNs / n;
                    while (System.nanoTime() < intended) {
                        LockSupport.parkNanos(Math.min(intended - System.nanoTime(), 100_000));
                    }
                    long index = m - warmupMessages;
                    producer.send(null, value).whenComplete((pos, e) -> {
                        if (e == null && index >= 0) {
                            latencies[id][(int) index] = System.nanoTime() - intended;
                            acked[id].incrementAndGet();
                        }
                    });
                }
                done.countDown();
            }, "probe-sender-" + i);
            t.start();
        }
        done.await();
        for (TopicProducer p : producers) {
            p.flush(Duration.ofSeconds(120));
        }
        long commits = 0;
        long lost = 0;
        long[] all = new long[(int) (perProducer * n)];
        double worstProducerP99 = 0;
        for (int i = 0; i < n; i++) {
            TopicProducer p = producers.get(i);
            for (int q = 0; q < partitions; q++) {
                commits += p.partitionProducer(q).metrics().commits();
                lost += p.partitionProducer(q).metrics().lostRaces();
            }
            long[] mine = latencies[i].clone();
            Arrays.sort(mine);
            worstProducerP99 = Math.max(worstProducerP99, mine[(int) (mine.length * 0.99)] / 1e6);
            System.arraycopy(latencies[i], 0, all, (int) (i * perProducer), (int) perProducer);
        }
        Arrays.sort(all);
        System.out.printf("producers=%d partitions=%d rate=%d avoid=%s acked=%d/%d p50=%.1fms p99=%.1fms"
                        + " worst-producer-p99=%.1fms commits=%d lost-races=%d%n", n, partitions, rate, avoid,
                Arrays.stream(acked).mapToLong(AtomicLong::get).sum(), perProducer * n, all[all.length / 2] / 1e6,
                all[(int) (all.length * 0.99)] / 1e6, worstProducerP99, commits, lost);
        for (TopicProducer p : producers) {
            p.close(Duration.ofSeconds(30));
        }
        store.close();
        System.exit(0);
    }
}
