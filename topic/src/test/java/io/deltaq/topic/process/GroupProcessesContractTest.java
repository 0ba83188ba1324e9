package io.deltaq.topic.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.Conditions;
import io.deltaq.topic.Partitioner;
import io.deltaq.topic.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight producers and a group of three members, each in a JVM of its own, on one topic of four
 * partitions; mid-run one member is killed with SIGKILL, another joins, and one is paused (SIGSTOP)
 * past its session and resumed.
 *
 * <p>Legal outcomes: every acknowledged message is delivered by some member; each message comes from
 * the partition its key hashes to (Kafka's partition); while a member holds a partition it delivers
 * each producer's messages of that partition in order and without a gap (a new holder may start
 * earlier than where the last one stopped: redelivery after the last commit is legal, a skip is
 * not); the paused member is told it lost its partitions, or finds its commit refused, or both.
 */
abstract class GroupProcessesContractTest {

    static final int PARTITIONS = 4;
    static final int PRODUCERS = 8;
    static final int PER_PRODUCER = 300;
    static final int KEYS = 16;
    static final long SESSION_MS = 3_000;
    static final Duration WAIT = Duration.ofSeconds(180);

    /** Kept when the test fails: the processes' output is the evidence. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<Process> started = new ArrayList<>();

    /** The topic's address as a child process opens it. */
    protected abstract String address();

    /** The environment a child needs to reach the store. */
    protected abstract Map<String, String> environment();

    protected abstract ObjectStore openStore();

    @AfterEach
    void stopProcesses() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    private Process start(String name, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().putAll(environment());
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private List<String> lines(String name) {
        try {
            Path file = dir.resolve(name + ".out");
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void await(BooleanSupplier condition, String what) {
        Conditions.await(condition, WAIT, what);
    }

    private static void signal(Process p, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }

    /** Messages delivered by all members so far, by value. */
    private Set<String> delivered(List<String> members) {
        Set<String> values = new TreeSet<>();
        for (String m : members) {
            for (String line : lines(m)) {
                if (line.startsWith("m ")) {
                    values.add(line.substring(line.indexOf(' ', 2) + 1));
                }
            }
        }
        return values;
    }

    @Test
    void eightProducersAndAGroupThatLosesAddsAndPausesMembersDeliverEveryAcknowledgedMessageWithoutASkip() throws Exception {
        try (ObjectStore store = openStore()) {
            Topic.create(store, "", PARTITIONS, Map.of());
        }
        List<String> members = new ArrayList<>(List.of("member-1", "member-2", "member-3"));
        Map<String, Process> memberProcesses = new HashMap<>();
        for (String m : members) {
            memberProcesses.put(m, start(m, GroupMemberMain.class, address(), "g", Long.toString(SESSION_MS)));
        }
        await(() -> members.stream().allMatch(m -> lines(m).stream().anyMatch(l -> l.startsWith("assigned"))),
                "every member is assigned partitions");

        List<Process> producers = new ArrayList<>();
        for (int i = 0; i < PRODUCERS; i++) {
            producers.add(start("producer-" + i, TopicProducerMain.class, address(), Integer.toString(i),
                    Integer.toString(PER_PRODUCER), Integer.toString(KEYS), "5000"));
        }
        int total = PRODUCERS * PER_PRODUCER;
        await(() -> delivered(members).size() >= total / 5, "a fifth of the messages delivered");

        memberProcesses.get("member-1").destroyForcibly().waitFor(); // SIGKILL: no release, no commit
        members.add("member-4");
        memberProcesses.put("member-4", start("member-4", GroupMemberMain.class, address(), "g", Long.toString(SESSION_MS)));

        Process paused = memberProcesses.get("member-2");
        int linesBeforePause = lines("member-2").size();
        signal(paused, "STOP");
        // Past its session: member-3 and member-4 take its partitions.
        await(() -> lines("member-4").stream().filter(l -> l.startsWith("assigned")).count() >= 1
                && !lines("member-3").isEmpty(), "member-4 assigned");
        Thread.sleep(SESSION_MS * 2); // the pause itself is what is measured: a paused process must outlive its session
        signal(paused, "CONT");

        for (Process p : producers) {
            assertTrue(p.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "a producer finished");
        }
        Map<String, Ack> acks = acks();
        assertEquals(total, acks.size(), "every message acknowledged");
        await(() -> delivered(members).containsAll(acks.keySet()), "every acknowledged message delivered");

        // Told at its next heartbeat after waking (lost), or at its next commit (fenced), whichever comes first.
        await(() -> lines("member-2").subList(linesBeforePause, lines("member-2").size()).stream()
                .anyMatch(l -> l.startsWith("lost") || l.startsWith("fenced")), "the paused member is told it lost its partitions");

        checkPartitionsAndOrder(acks, members);
        for (String m : List.of("member-3", "member-4")) {
            OutputStream in = memberProcesses.get(m).getOutputStream();
            in.write("close\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        await(() -> lines("member-3").contains("closed") && lines("member-4").contains("closed"), "members closed");
    }

    record Ack(String value, int producer, int seq, int partition, Position position) {
    }

    private Map<String, Ack> acks() {
        Map<String, Ack> acks = new HashMap<>();
        for (int i = 0; i < PRODUCERS; i++) {
            for (String line : lines("producer-" + i)) {
                String[] f = line.split(" ");
                if (f[0].equals("ack")) {
                    int seq = Integer.parseInt(f[1]);
                    String value = "p" + i + "-" + seq;
                    acks.put(value, new Ack(value, i, seq, Integer.parseInt(f[2]),
                            new Position(Long.parseLong(f[3]), Integer.parseInt(f[4]))));
                } else if (f[0].equals("failed")) {
                    fail("producer-" + i + ": " + line);
                }
            }
        }
        return acks;
    }

    private void checkPartitionsAndOrder(Map<String, Ack> acks, List<String> members) {
        // Each producer's messages of one partition, in send order, must stand in the table in that order.
        Map<String, List<Ack>> streams = new TreeMap<>();
        for (Ack a : acks.values()) {
            byte[] key = ("k" + a.seq() % KEYS).getBytes(StandardCharsets.UTF_8);
            assertEquals(Partitioner.keyPartition(key, 0, key.length, PARTITIONS), a.partition(), a.value() + "'s partition");
            streams.computeIfAbsent(a.partition() + "/" + a.producer(), k -> new ArrayList<>()).add(a);
        }
        Map<String, Integer> next = new HashMap<>();
        for (List<Ack> stream : streams.values()) {
            stream.sort((x, y) -> Integer.compare(x.seq(), y.seq()));
            for (int i = 1; i < stream.size(); i++) {
                assertTrue(stream.get(i).position().compareTo(stream.get(i - 1).position()) > 0,
                        "send order kept in the table: " + stream.get(i - 1) + " then " + stream.get(i));
            }
            for (int i = 0; i < stream.size(); i++) {
                next.put(stream.get(i).value(), i);
            }
        }
        for (String member : members) {
            // Per holding period of a partition: each producer's messages follow one another without a gap.
            Map<String, Integer> lastIndex = new HashMap<>();
            for (String line : lines(member)) {
                if (line.startsWith("assigned") || line.startsWith("revoked") || line.startsWith("lost")) {
                    for (String p : line.substring(line.indexOf('[') + 1, line.indexOf(']')).split(", ")) {
                        lastIndex.keySet().removeIf(k -> k.startsWith(p.trim() + "/"));
                    }
                } else if (line.startsWith("m ")) {
                    String[] f = line.split(" ");
                    Ack a = acks.get(f[2]);
                    if (a == null) {
                        continue; // sent, not acknowledged by the time its producer finished: legal either way
                    }
                    assertEquals(a.partition(), Integer.parseInt(f[1]), member + " delivered " + a.value() + " from its partition");
                    String stream = a.partition() + "/" + a.producer();
                    int index = next.get(a.value());
                    Integer last = lastIndex.put(stream, index);
                    assertTrue(last == null || index == last + 1,
                            member + ": " + a.value() + " follows index " + last + " of stream " + stream + " (a skip or reorder)");
                }
            }
        }
    }
}
