package io.deltaq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        assertTrue(usage.startsWith("usage: deltaq bench [-h] [--rates=R]"), usage);
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

    @Test
    void chaosOptionsAreRefusedWhereTheyCannotWork() {
        assertTrue(run(2, "bench", "--driver", "kafka", "--kill-every", "10").err()
                .startsWith("deltaq bench: --kill-every restarts deltaq producers and consumers where they left off;"
                        + " --driver kafka cannot (use --driver deltaq)"));
        assertTrue(run(2, "bench", "--driver", "deltaq,kafka", "--faults", "*:error=503:0.01").err()
                .startsWith("deltaq bench: --faults injects faults into deltaq's storage; --driver kafka has none to"
                        + " inject into (use --driver deltaq)"));
        assertTrue(run(2, "bench", "--kill-every", "10", "--in-process").err()
                .startsWith("deltaq bench: --kill-every kills the worker JVMs; with --in-process there are none to kill"));
        assertTrue(run(2, "bench", "--kill-every", "soon").err()
                .startsWith("deltaq bench: --kill-every needs a number of seconds, got 'soon'"));
        assertTrue(run(2, "bench", "--kill-every", "0.5").err()
                .startsWith("deltaq bench: --kill-every must be between 1 and 86400, got '0.5'"));
        assertTrue(run(2, "bench", "--faults", "get:explode:0.1").err()
                .startsWith("deltaq bench: --faults: fault rule 'get:explode:0.1': unknown fault"));
        assertTrue(run(2, "bench", "--faults", "*:error=503:2").err()
                .startsWith("deltaq bench: --faults: fault rule '*:error=503:2': probability must be in [0, 1]"));
        assertTrue(run(2, "bench", "--consumer-delay-ms", "-1").err()
                .startsWith("deltaq bench: --consumer-delay-ms must be between 0 and 60000, got '-1'"));
    }

    @Test
    void theServerWarmUpIsRefusedWhereThereIsNoEmbeddedServer() {
        assertTrue(run(2, "bench", "--server-warmup", "5", "--store", "/tmp/x").err()
                .startsWith("deltaq bench: --server-warmup applies to the embedded S3 server only, not to --store or"
                        + " --bucket"));
        assertTrue(run(2, "bench", "--server-warmup", "5", "--bucket", "b").err()
                .startsWith("deltaq bench: --server-warmup applies to the embedded S3 server only"));
        assertTrue(run(2, "bench", "--server-warmup", "-1").err()
                .startsWith("deltaq bench: --server-warmup must be between 0 and 600, got -1"));
    }

    @Test
    void chaosOptionsAreParsedIntoTheSettings() throws Exception {
        BenchCommand command = new BenchCommand();
        io.deltaq.bench.run.BenchSettings settings = command.settings(command.options().parse(java.util.List.of(
                "--faults", BenchCommand.EXAMPLE_FAULTS, "--fault-seed", "42", "--kill-every", "2.5",
                "--consumer-delay-ms", "0.25")));
        io.deltaq.bench.run.Chaos chaos = settings.chaos();
        assertEquals(java.util.Optional.of(BenchCommand.EXAMPLE_FAULTS), chaos.faults());
        assertEquals(42, chaos.seed());
        assertEquals(2.5, chaos.killEverySeconds());
        assertEquals(0.25, chaos.consumerDelayMs());
        assertTrue(chaos.kills() && chaos.active());
        // Kills shorten deltaq's group session, so that a killed consumer's successor is back within seconds.
        assertEquals("6000", settings.client().consumerConfig().get("session.timeout.ms"));
        assertEquals(java.util.Map.of(), command.settings(command.options().parse(java.util.List.of("--faults",
                "*:delay=5:0.1"))).client().consumerConfig(), "without kills, the library's defaults");
        // Without a seed one is drawn, to be printed in the summary.
        io.deltaq.bench.run.Chaos drawn = command.settings(command.options().parse(java.util.List.of("--faults",
                "*:delay=5:0.1"))).chaos();
        assertTrue(drawn.seed() > 0 && !drawn.kills() && drawn.active());
        assertTrue(!command.settings(command.options().parse(java.util.List.of())).chaos().active());
    }

    @Test
    void partitionsAreParsedAndRefusedWhereTheyCannotWork() throws Exception {
        BenchCommand command = new BenchCommand();
        assertEquals(1, command.settings(command.options().parse(java.util.List.of())).partitions());
        assertEquals(4, command.settings(command.options().parse(java.util.List.of("--partitions", "4"))).partitions());
        assertTrue(run(2, "bench", "--partitions", "0").err()
                .startsWith("deltaq bench: --partitions must be between 1 and " + BenchCommand.MAX_PARTITIONS));
        assertTrue(run(2, "bench", "--partitions", "2", "--soak", "1m").err()
                .startsWith("deltaq bench: --soak samples one table, a topic of one partition; drop --partitions"));
    }

    @Test
    void clientLayoutOptionsAreParsedAndRefusedWhereTheyCannotWork() throws Exception {
        BenchCommand command = new BenchCommand();
        io.deltaq.bench.run.BenchSettings settings = command.settings(command.options().parse(java.util.List.of(
                "--jvm-per-client", "--members", "3", "--remote-workers", "2", "--listen", "127.0.0.1:9999")));
        assertTrue(settings.jvmPerClient());
        assertEquals(3, settings.members());
        assertEquals(2, settings.remote().orElseThrow().workers());
        assertEquals(9999, settings.remote().orElseThrow().listen().getPort());
        assertEquals(java.util.List.of(BenchCommand.PER_CLIENT_WORKER_JVM_OPTIONS.split(" ")), settings.workerJvmOptions());
        assertTrue(run(2, "bench", "--jvm-per-client", "--in-process").err()
                .startsWith("deltaq bench: --jvm-per-client and --in-process contradict each other"));
        assertTrue(run(2, "bench", "--remote-workers", "2").err()
                .startsWith("deltaq bench: --remote-workers runs clients one per worker: it needs --jvm-per-client"));
        assertTrue(run(2, "bench", "--listen", "0.0.0.0:1").err()
                .startsWith("deltaq bench: --listen is where remote workers connect: it needs --remote-workers"));
        assertTrue(run(2, "bench", "--jvm-per-client", "--remote-workers", "1", "--listen", "nowhere").err()
                .startsWith("deltaq bench: --listen needs HOST:PORT"));
        assertTrue(run(2, "bench", "--members", "2", "--partitions", "65").err()
                .startsWith("deltaq bench: --members 2 needs at most 64 --partitions, got 65"));
        assertTrue(run(2, "bench", "--driver", "kafka", "--consumer-config", "poll.interval.min.ms=1").err()
                .startsWith("deltaq bench: --producer-config and --consumer-config configure deltaq's clients;"));
        io.deltaq.bench.run.BenchSettings configured = command.settings(command.options().parse(java.util.List.of(
                "--producer-config", "linger.ms=2", "--consumer-config", "poll.interval.min.ms=1")));
        assertEquals("2", configured.client().producerConfig().get("linger.ms"));
        assertEquals("1", configured.client().consumerConfig().get("poll.interval.min.ms"));
        assertTrue(run(2, "bench", "--baseline", "/nonexistent/summary.json").err()
                .startsWith("deltaq bench: --baseline: "), "an unreadable baseline is refused before the sweep");
        assertTrue(run(2, "bench", "--baseline-tolerance", "10").err()
                .startsWith("deltaq bench: --baseline-tolerance applies to --baseline, which is missing"));
        assertTrue(run(2, "bench-worker").err().contains("needs --coordinator HOST:PORT"));
        assertTrue(run(2, "bench-worker", "--coordinator", "host").err()
                .contains("--coordinator needs HOST:PORT, such as bench-host:7480, got 'host'"));
    }

    @Test
    void soakDurationsAndProperties() {
        assertEquals(90, io.deltaq.bench.run.Soak.parseDuration("90s"));
        assertEquals(90, io.deltaq.bench.run.Soak.parseDuration("90"));
        assertEquals(900, io.deltaq.bench.run.Soak.parseDuration("15m"));
        assertEquals(5400, io.deltaq.bench.run.Soak.parseDuration("1h30m"));
        assertEquals(20, io.deltaq.bench.run.Soak.parseDuration(" 20S "));
        for (String bad : new String[] {"", "m", "15x", "15m x", "0s", "8d", "-5m", "99999999999999999999s"}) {
            assertThrows(IllegalArgumentException.class, () -> io.deltaq.bench.run.Soak.parseDuration(bad), bad);
        }
    }

    @Test
    void soakOptionsAreParsedIntoTheSettings() throws Exception {
        BenchCommand command = new BenchCommand();
        io.deltaq.bench.run.BenchSettings settings = command.settings(command.options().parse(java.util.List.of("--soak", "20s",
                "--soak-sample", "5", "--rates", "5000", "--table-property", "deltaq.retention.ms=60000",
                "--table-property=x.y=interval 1 minutes", "--maintenance", "off")));
        io.deltaq.bench.run.Soak soak = settings.soak().orElseThrow();
        assertEquals(20, soak.seconds());
        assertEquals(20, settings.seconds(), "the soak is the measured time");
        assertEquals(5, soak.sampleSeconds());
        assertEquals(4, soak.samples());
        assertEquals(java.util.List.of(5000L), settings.rates());
        assertEquals("60000", soak.tableProperties().get("deltaq.retention.ms"));
        assertEquals("interval 1 minutes", soak.tableProperties().get("x.y"));
        assertEquals("30000", soak.tableProperties().get("deltaq.compaction.min.age.ms"), "a default kept");
        assertEquals(java.util.Set.of("deltaq.retention.ms", "x.y"), soak.overridden());
        assertTrue(!soak.maintenance());
        assertEquals(java.util.Map.of("maintenance.enabled", "false"), settings.client().producerConfig(),
                "--maintenance off reaches the producers");

        io.deltaq.bench.run.BenchSettings defaults = command.settings(command.options().parse(java.util.List.of("--soak", "15m")));
        io.deltaq.bench.run.Soak soakDefaults = defaults.soak().orElseThrow();
        assertEquals(60, soakDefaults.sampleSeconds());
        assertEquals(15, soakDefaults.samples());
        assertEquals(java.util.List.of(BenchCommand.DEFAULT_SOAK_RATE), defaults.rates());
        assertEquals(io.deltaq.bench.run.Soak.DEFAULT_TABLE_PROPERTIES, soakDefaults.tableProperties());
        assertEquals("interval 1 minutes", soakDefaults.tableProperties().get("delta.deletedFileRetentionDuration"));
        assertTrue(soakDefaults.maintenance());
        assertTrue(command.settings(command.options().parse(java.util.List.of())).soak().isEmpty());
    }

    @Test
    void soakOptionsAreRefusedWhereTheyCannotWork() {
        assertTrue(run(2, "bench", "--soak", "15x").err()
                .startsWith("deltaq bench: --soak: '15x' is not a duration such as 90s, 15m or 1h30m"));
        assertTrue(run(2, "bench", "--soak", "10m", "--rates", "1000,2000").err()
                .startsWith("deltaq bench: --soak runs at one rate; --rates names 2"));
        assertTrue(run(2, "bench", "--soak", "10m", "--seconds", "30").err()
                .startsWith("deltaq bench: --soak sets how long the run measures; it cannot be combined with --seconds"));
        assertTrue(run(2, "bench", "--soak", "10m", "--driver", "kafka").err()
                .startsWith("deltaq bench: --soak samples deltaq's tables; --driver kafka has none (use --driver deltaq)"));
        assertTrue(run(2, "bench", "--soak", "30s", "--soak-sample", "60").err()
                .startsWith("deltaq bench: --soak-sample (60 s) is longer than the soak (30 s): there would be no sample"));
        assertTrue(run(2, "bench", "--soak-sample", "5").err()
                .startsWith("deltaq bench: --soak-sample applies to a soak run only (add --soak DURATION)"));
        assertTrue(run(2, "bench", "--table-property", "a=b").err()
                .startsWith("deltaq bench: --table-property applies to a soak run only (add --soak DURATION)"));
        assertTrue(run(2, "bench", "--soak", "1m", "--table-property", "a=b", "--table-property", "a=c").err()
                .startsWith("deltaq bench: --table-property: a is given twice"));
        assertTrue(run(2, "bench", "--soak", "1m", "--table-property", "ab").err()
                .startsWith("deltaq bench: --table-property: 'ab' is not KEY=VALUE"));
        assertTrue(run(2, "bench", "--soak", "1m", "--maintenance", "maybe").err()
                .startsWith("deltaq bench: --maintenance needs on or off, got 'maybe'"));
    }
}
