package io.deltaq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.cli.DeltaqMain;
import org.junit.jupiter.api.Test;

/** {@code deltaq bench} as DeltaqMain finds it on this module's class path, through META-INF/services. */
class BenchCommandTest {

    private static TextIo run(int expectedStatus, String... args) {
        TextIo captured = new TextIo();
        assertEquals(expectedStatus, DeltaqMain.run(args, captured.io),
                () -> "deltaq " + String.join(" ", args) + "\nstdout: " + captured.out() + "\nstderr: " + captured.err());
        return captured;
    }

    @Test
    void helpListsBenchAfterTheBuiltInCommands() {
        String help = run(0, "help").out();
        assertTrue(help.contains("\n  inspect ") && help.contains("\n  bench "), help);
        assertTrue(help.indexOf("\n  inspect ") < help.indexOf("\n  bench "), help);
        assertTrue(help.contains("run the latency/throughput rate sweep"), help);
    }

    @Test
    void helpBenchExplainsTheSweep() {
        String usage = run(0, "help", "bench").out();
        assertTrue(usage.startsWith("usage: deltaq bench [--rates R]"), usage);
        assertTrue(usage.contains("bin/bench --rates 10000:250000:60000 --driver deltaq,kafka"), usage);
        assertEquals(usage, run(0, "bench", "--help").out());
    }

    @Test
    void benchUsageErrorsNameTheOptionAndExit2() {
        TextIo typo = run(2, "bench", "--rate", "1000");
        assertTrue(typo.err().startsWith("deltaq bench: unknown option --rate\nusage: deltaq bench "), typo.err());
        assertTrue(run(2, "bench", "--rates", "1000:500:100").err()
                .startsWith("deltaq bench: --rates: range '1000:500:100' ends below its start"));
        assertTrue(run(2, "bench", "--driver", "pulsar").err()
                .startsWith("deltaq bench: --driver: unknown driver 'pulsar' (known: deltaq, kafka)"));
        assertTrue(run(2, "bench", "--message-size", "8").err()
                .startsWith("deltaq bench: --message-size must be between 20 and"));
        assertTrue(run(2, "bench", "--store", "/tmp/x", "--bucket", "b").err()
                .startsWith("deltaq bench: --store (a local directory) cannot be combined"));
        assertTrue(run(2, "bench", "--endpoint", "http://127.0.0.1:9000").err()
                .startsWith("deltaq bench: --endpoint needs --bucket"));
        assertTrue(run(2, "bench", "--jfr", "--in-process").err()
                .startsWith("deltaq bench: --jfr records the worker JVMs; it cannot be combined with --in-process"));
        assertTrue(run(2, "bench", "--jfr", "--out", "/tmp/a,b").err()
                .startsWith("deltaq bench: --jfr needs an --out directory without a comma in its path, got '/tmp/a,b'"));
        assertEquals("", typo.out());
    }
}
