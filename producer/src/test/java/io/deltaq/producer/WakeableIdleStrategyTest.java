package io.deltaq.producer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The commit thread's idle strategy: what ends a park long before its backoff would. */
class WakeableIdleStrategyTest {

    /** Parks of a minute each: a park that ends within the test's wait was ended by the strategy. */
    private static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);
    private static final long WAIT_MS = 10_000;

    @Test
    void aSendWakesAnAgentThatAskedToHearOfSends() throws Exception {
        WakeableIdleStrategy idle = new WakeableIdleStrategy(MINUTE_NS, MINUTE_NS);
        idle.wakeOnSend(true);
        Thread agent = idleIntoOnePark(idle);
        try {
            // Sends until the agent is out of its park: a send that meets it before it parks changes nothing.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (agent.isAlive() && System.nanoTime() - deadline < 0) {
                idle.onSend();
                agent.join(10);
            }
            assertFalse(agent.isAlive(), "the agent slept through the sends");
        } finally {
            agent.interrupt();
        }
    }

    @Test
    void aParkEndsAtTheAgentsDeadline() throws Exception {
        WakeableIdleStrategy idle = new WakeableIdleStrategy(MINUTE_NS, MINUTE_NS);
        idle.wakeOnSend(false);
        idle.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
        assertTheParkEnds(idle, "the park outlasted the deadline");
    }

    @Test
    void aPassedDeadlineEndsTheIdleWithoutParking() throws Exception {
        WakeableIdleStrategy idle = new WakeableIdleStrategy(MINUTE_NS, MINUTE_NS);
        idle.parkUntil(System.nanoTime() - 1);
        assertTheParkEnds(idle, "the agent parked past a deadline already gone");
    }

    /** Idles into one park of a minute and waits for it to end on its own, which only the deadline can make it do. */
    private static void assertTheParkEnds(WakeableIdleStrategy idle, String otherwise) throws InterruptedException {
        Thread agent = idleIntoOnePark(idle);
        try {
            agent.join(WAIT_MS);
            assertFalse(agent.isAlive(), otherwise);
        } finally {
            agent.interrupt();
        }
    }

    /** A thread that idles through the spins and yields (which return at once) and one park, then ends. */
    private static Thread idleIntoOnePark(WakeableIdleStrategy idle) {
        Thread agent = new Thread(() -> {
            for (int i = 0; i < 26; i++) {
                idle.idle();
            }
        }, "idle-under-test");
        agent.start();
        return agent;
    }
}
