package io.deltaq.testkit;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3server.EmbeddedS3Server;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The embedded S3 server (s3proxy on 127.0.0.1, random port and credentials) that every test of
 * a JVM shares, started on first use and stopped when the JVM exits, and stores opened on it the one
 * way the library opens stores ({@link ObjectStores#open}). Each store gets a fresh prefix, so tests
 * share the bucket without seeing each other's keys.
 */
public final class TestS3 {

    private static EmbeddedS3Server server;

    private TestS3() {
    }

    /** The shared server; do not close it. */
    public static synchronized EmbeddedS3Server server() {
        if (server == null) {
            EmbeddedS3Server started = EmbeddedS3Server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-s3-server-stop"));
            server = started;
        }
        return server;
    }

    /** How a client reaches the server: the AWS variables {@code deltaq serve} prints. */
    public static Map<String, String> environment() {
        return server().environment();
    }

    /** A fresh address {@code s3://<bucket>/<purpose>/<uuid>} that no other test uses. */
    public static String freshAddress(String purpose) {
        return server().address(purpose + "/" + UUID.randomUUID());
    }

    /** A store on a fresh prefix of the shared server; the caller closes it. */
    public static ObjectStore freshStore(String purpose) {
        return open(freshAddress(purpose));
    }

    /** A store at {@code address} on the shared server; the caller closes it. */
    public static ObjectStore open(String address) {
        return ObjectStores.open(address, environment(), Map.of());
    }

    /** A store over the local directory {@code dir}, opened the same way; the caller closes it. */
    public static ObjectStore local(Path dir) {
        return ObjectStores.open(dir.toString(), Map.of(), Map.of());
    }
}
