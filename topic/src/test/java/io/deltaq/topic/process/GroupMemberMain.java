package io.deltaq.topic.process;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.ConsumerFencedException;
import io.deltaq.topic.GroupConfig;
import io.deltaq.topic.GroupConsumer;
import io.deltaq.topic.GroupRebalanceListener;

/**
 * One group member in a JVM of its own, for {@code GroupProcessesContractTest}: polls, commits after
 * every poll that delivered something, and prints one line per event on stdout:
 * {@code member <id>}, {@code assigned|revoked|lost [p, ...]}, {@code m <partition> <value>},
 * {@code committed}, {@code fenced <message>}, {@code closed}. A line {@code close} on stdin
 * makes it commit and leave the group.
 *
 * <p>Usage: {@code GroupMemberMain ADDRESS GROUP SESSION_MS}; the store's credentials come from the
 * environment, as for any deltaq client.
 */
public final class GroupMemberMain {

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long sessionMs = Long.parseLong(args[2]);
        Map<String, Object> config = new HashMap<>();
        config.put(GroupConfig.GROUP_ID, args[1]);
        config.put(GroupConfig.SESSION_TIMEOUT_MS, sessionMs);
        config.put(GroupConfig.HEARTBEAT_INTERVAL_MS, sessionMs / 10);
        config.put(GroupConfig.CLOCK_SKEW_MS, sessionMs / 10);
        config.put(ConsumerConfig.POLL_INTERVAL_MS, 20);
        config.put(ConsumerConfig.POLL_INTERVAL_MIN_MS, 1);
        GroupConsumer[] self = new GroupConsumer[1];
        GroupRebalanceListener listener = new GroupRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Set<Integer> partitions) {
                out.println("assigned " + partitions);
            }

            @Override
            public void onPartitionsRevoked(Set<Integer> partitions) {
                commit(self[0], out); // the lease is still held: the next owner starts where this one stopped
                out.println("revoked " + partitions);
            }

            @Override
            public void onPartitionsLost(Set<Integer> partitions) {
                out.println("lost " + partitions);
            }
        };
        GroupConsumer member = GroupConsumer.open(args[0], config, listener);
        self[0] = member;
        out.println("member " + member.memberId());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder line = new StringBuilder();
        while (true) {
            int n = member.poll((partition, m) -> out.println("m " + partition + " " + m.valueAsString()), 500);
            if (n > 0) {
                commit(member, out);
            } else {
                Thread.sleep(2);
            }
            while (in.ready()) {
                int c = in.read();
                if (c == '\n') {
                    if (line.toString().equals("close")) {
                        commit(member, out);
                        member.close(Duration.ofSeconds(30));
                        out.println("closed");
                        return;
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        }
    }

    private static void commit(GroupConsumer member, PrintStream out) {
        try {
            member.commitSync();
            out.println("committed");
        } catch (ConsumerFencedException e) {
            out.println("fenced " + e.getMessage().replace('\n', ' '));
        }
    }
}
