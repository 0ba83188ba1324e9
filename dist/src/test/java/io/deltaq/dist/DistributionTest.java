package io.deltaq.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.testkit.TestS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball the build made, unpacked into an empty directory and run the way a user runs it: the
 * launcher from another working directory, an environment with a JDK and nothing of this repository
 * or of Maven, a table on the embedded S3 server reached through the standard AWS variables.
 */
class DistributionTest {

    private static final long PROCESS_TIMEOUT_S = 120;

    @TempDir
    static Path unpacked;

    private static Path launcher;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("deltaq.distribution"));
        assertTrue(Files.isRegularFile(tarball), "mvn package builds " + tarball);
        Result tar = run(List.of("tar", "-xzf", tarball.toString(), "-C", unpacked.toString()), unpacked, Map.of(), "");
        assertEquals(0, tar.status, tar.err);
        Path home = unpacked.resolve("deltaq-" + System.getProperty("deltaq.version"));
        launcher = home.resolve("bin").resolve("deltaq");
        assertTrue(Files.getPosixFilePermissions(launcher).contains(PosixFilePermission.OWNER_EXECUTE),
                "bin/deltaq is executable");
    }

    @Test
    void libHoldsTheCliAndItsRuntimeDependenciesButNoKafkaAndNoTestCode() throws IOException {
        List<String> jars;
        try (Stream<Path> lib = Files.list(launcher.getParent().getParent().resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String module : List.of("deltaq-cli", "deltaq-producer", "deltaq-consumer", "deltaq-deltalog", "deltaq-s3io")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(module + "-")), module + " in " + jars);
        }
        for (String absent : List.of("kafka", "deltaq-bench", "deltaq-testkit", "junit", "hadoop")) {
            assertFalse(jars.stream().anyMatch(j -> j.contains(absent)), absent + " in " + jars);
        }
    }

    @Test
    void producesAndConsumesFromAnotherDirectoryWithOnlyAJdk(@TempDir Path elsewhere) throws Exception {
        String table = TestS3.freshAddress("dist") + "/topic";
        Map<String, String> env = new java.util.HashMap<>(TestS3.environment());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        String lines = "first message\nsecond, with a comma\n\u00fcnicode \u2713\n";

        Result produce = run(List.of(launcher.toString(), "produce", table), elsewhere, env, lines);
        assertEquals(0, produce.status, "produce: " + produce.err);
        assertTrue(produce.err.contains("3"), "the summary counts 3 messages: " + produce.err);

        Result consume = run(List.of(launcher.toString(), "consume", table, "--format", "raw", "--from", "earliest",
                "--max", "3"), elsewhere, env, "");
        assertEquals(0, consume.status, "consume: " + consume.err);
        assertEquals(lines, consume.out);
    }

    @Test
    void helpNamesTheCommandsAndAnUnknownOneIsAUsageError(@TempDir Path elsewhere) throws Exception {
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));
        Result help = run(List.of(launcher.toString(), "--help"), elsewhere, env, "");
        assertEquals(0, help.status, help.err);
        for (String command : List.of("produce", "consume", "inspect", "maintain", "serve")) {
            assertTrue(help.out.contains(command), command + " in: " + help.out);
        }
        Result unknown = run(List.of(launcher.toString(), "no-such-command"), elsewhere, env, "");
        assertEquals(2, unknown.status, unknown.out + unknown.err);
        assertTrue(unknown.err.contains("no-such-command"), unknown.err);
    }

    @Test
    void versionIsTheVersionOfTheTarball(@TempDir Path elsewhere) throws Exception {
        Result version = run(List.of(launcher.toString(), "--version"), elsewhere,
                Map.of("JAVA_HOME", System.getProperty("java.home")), "");
        assertEquals(0, version.status, version.err);
        assertEquals("deltaq " + System.getProperty("deltaq.version") + "\n", version.out);
        assertEquals("", version.err);
    }

    private record Result(int status, String out, String err) {
    }

    /**
     * Runs a process in {@code dir} with only {@code env} and a PATH of the system's directories (no
     * Maven, no java: the launcher finds it through JAVA_HOME), feeding it {@code stdin}.
     */
    private static Result run(List<String> command, Path dir, Map<String, String> env, String stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().putAll(env);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not finish within " + PROCESS_TIMEOUT_S + " s; stderr: "
                    + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
