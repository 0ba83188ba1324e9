package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.StoreCredentialsException;
import io.deltaq.s3server.EmbeddedS3Server;
import io.deltaq.testkit.TestS3;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code deltaq produce} and {@code consume} on s3:// tables of an in-process S3 server. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class S3ProduceConsumeCommandTest {

    /**
     * Through {@link DeltaqMain#run}: endpoint and region from the flags, credentials from the AWS
     * SDK's system properties (this JVM's environment cannot be changed).
     */
    @Test
    void roundTripAndResumeWithEndpointAndRegionFlags() {
        EmbeddedS3Server server = TestS3.server();
        String previousKey = System.setProperty("aws.accessKeyId", server.accessKey());
        String previousSecret = System.setProperty("aws.secretAccessKey", server.secretKey());
        try {
            String table = "s3://" + server.bucket() + "/cli/" + UUID.randomUUID();
            String[] s3 = {"--endpoint", server.endpoint().toString(), "--region", server.region()};
            BytesIo produced = ProduceConsumeCommandTest.run(0, ProduceConsumeCommandTest.ODD_TEXT,
                    concat(new String[] {"produce", table}, s3));
            ProduceConsumeCommandTest.assertSummary(produced, 8);
            assertTrue(produced.err().endsWith("table " + table + "\n"), produced.err());

            BytesIo first = ProduceConsumeCommandTest.run(0, concat(
                    new String[] {"consume", table, "--format", "raw", "--name", "s3-reader", "--max", "3"}, s3));
            BytesIo rest = ProduceConsumeCommandTest.run(0, concat(
                    new String[] {"consume", table, "--format", "raw", "--name", "s3-reader", "--max", "5"}, s3));
            assertArrayEquals(ProduceConsumeCommandTest.bytes(ProduceConsumeCommandTest.ODD_TEXT, "\n"),
                    ProduceConsumeCommandTest.bytes(first.out(), rest.out()));
        } finally {
            restore("aws.accessKeyId", previousKey);
            restore("aws.secretAccessKey", previousSecret);
        }
    }

    /** The settings exactly as {@code deltaq serve} prints them, handed to the commands as their environment. */
    @Test
    void theSettingsDeltaqServePrintsAreAllAnS3TableNeeds() throws Exception {
        CapturedIo serveIo = new CapturedIo();
        AtomicInteger serveStatus = new AtomicInteger(-1);
        Thread serve = new Thread(() -> serveStatus.set(DeltaqMain.run(new String[] {"serve"}, serveIo.io)), "serve-test");
        serve.start();
        try {
            Map<String, String> env = new LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                String line = serveIo.nextOutLine(60);
                assertNotNull(line, "serve's settings; stderr: " + serveIo.err());
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
            String table = "s3://" + env.get("DELTAQ_BUCKET") + "/topics/from-serve";

            BytesIo produceIo = new BytesIo(new ByteArrayInputStream("one\ntwo\n".getBytes()));
            assertEquals(Command.OK, new ProduceCommand(env).run(List.of(table), produceIo.io), produceIo.err());
            ProduceConsumeCommandTest.assertSummary(produceIo, 2);

            BytesIo consumeIo = new BytesIo();
            assertEquals(Command.OK, new ConsumeCommand(env).run(List.of(table, "--format", "raw", "--max", "2"),
                    consumeIo.io), consumeIo.err());
            assertEquals("one\ntwo\n", consumeIo.outText());

            // Without the settings the same table is not reachable: the environment is what made it work.
            Map<String, String> wrongKeys = new LinkedHashMap<>(env);
            wrongKeys.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");
            BytesIo denied = new BytesIo(new ByteArrayInputStream("x\n".getBytes()));
            Exception failure = assertThrows(Exception.class,
                    () -> new ProduceCommand(wrongKeys).run(List.of(table), denied.io));
            assertTrue(causes(failure).stream().anyMatch(StoreCredentialsException.class::isInstance), failure.toString());
        } finally {
            serve.interrupt();
            serve.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertFalse(serve.isAlive());
        assertEquals(Command.OK, serveStatus.get());
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && out.size() < 20; c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
