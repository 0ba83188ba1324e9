package io.deltaq.bench.driver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Kafka (combined broker and controller, KRaft) in this JVM on 127.0.0.1, with its
 * log directory under a scratch directory that {@link #close()} deletes.
 */
final class EmbeddedKafka implements BenchTarget {

    private static final long START_TIMEOUT_MS = 60_000;

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrap;
    private final Admin admin;

    private EmbeddedKafka(Path dir, KafkaRaftServer server, String bootstrap, Admin admin) {
        this.dir = dir;
        this.server = server;
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    static EmbeddedKafka start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path logDir = dir.resolve("log");
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One node: every internal topic has one replica and needs one in sync.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        KafkaConfig config = new KafkaConfig(props);

        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(formatOutput, true, StandardCharsets.UTF_8))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format the Kafka log directory " + logDir + ": " + e.getMessage()
                    + " (" + formatOutput.toString(StandardCharsets.UTF_8).trim() + ")", e);
        }

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        Admin admin = null;
        try {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        break;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new IllegalStateException("the Kafka broker on " + bootstrap + " did not answer within "
                                + START_TIMEOUT_MS + " ms", e);
                    }
                }
                Thread.sleep(100);
            }
            return new EmbeddedKafka(dir, server, bootstrap, admin);
        } catch (Exception | Error e) {
            if (admin != null) {
                admin.close();
            }
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "Kafka 4.4 single-node KRaft broker in the coordinator JVM at " + bootstrap;
    }

    @Override
    public Map<String, String> connection() {
        return Map.of(KafkaDriver.BOOTSTRAP, bootstrap);
    }

    @Override
    public String createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        // The topic exists once the controller says so; wait until every partition has its leader too. Until
        // the broker's metadata has caught up with the controller, it answers that it does not know the topic.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            TopicDescription description;
            try {
                description = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                description = null;
            }
            if (description != null && description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return name;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("Kafka topic " + name + " did not get a leader for each of its "
                        + partitions + " partitions within 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Each partition's last offset (-1 when empty): a consumer has reached it once its position is past it. */
    @Override
    public long[] end(String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(latest).all()
                .get(30, TimeUnit.SECONDS);
        long[] end = new long[partitions];
        offsets.forEach((tp, info) -> end[tp.partition()] = info.offset() - 1);
        return end;
    }

    @Override
    public void close() {
        admin.close();
        server.shutdown();
        server.awaitShutdown();
        Scratch.delete(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
