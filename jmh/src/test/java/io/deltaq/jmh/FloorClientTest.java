package io.deltaq.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3server.EmbeddedS3Server;
import io.deltaq.testkit.TestS3;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every configuration the floor benchmark measures does the same three things right against a real server. */
class FloorClientTest {

    private static EmbeddedS3Server server;

    @BeforeAll
    static void startServer() {
        server = TestS3.server();
    }

    @ParameterizedTest
    @ValueSource(strings = {"store-crt-lean", "store-crt-http", "store-crt", "sdk-crt-s3", "sdk-crt-http", "sdk-apache5",
        "sdk-crt-http-direct"})
    void createsOnceReadsBackAndReportsMissingKeys(String name) {
        byte[] first = (name + " first").getBytes(StandardCharsets.UTF_8);
        byte[] second = (name + " second").getBytes(StandardCharsets.UTF_8);
        String key = "test/" + name;
        try (FloorClient client = FloorClient.open(name, server)) {
            assertTrue(client.putIfAbsent(key, ByteBuffer.wrap(first)), "first create of " + key);
            assertFalse(client.putIfAbsent(key, ByteBuffer.wrap(second)), "second create of " + key);
            assertArrayEquals(first, client.get(key));
            assertNull(client.get("test/never-written-" + name));
        }
    }

    @Test
    void everyDocumentedNameOpens() {
        for (String name : FloorClient.NAMES) {
            try (FloorClient client = FloorClient.open(name, server)) {
                assertNull(client.get("test/never-written"), name);
            }
        }
    }

    @Test
    void unknownNameIsRejectedWithTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FloorClient.open("sdk-netty", server));
        assertTrue(e.getMessage().contains("sdk-netty") && e.getMessage().contains("store-crt-http"), e.getMessage());
    }
}
