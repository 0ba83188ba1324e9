package io.deltaq.e2e;

import java.nio.file.Path;
import java.util.UUID;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.S3Location;
import io.deltaq.s3io.S3ObjectStore;
import io.deltaq.s3io.S3StoreConfig;
import io.deltaq.s3server.EmbeddedS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * End to end on the in-process S3 server (s3proxy, in memory, loopback); each test under its own
 * prefix. Kernel reads a copy of the table's objects in a local directory.
 */
class S3QueueEndToEndTest extends QueueEndToEndTest {

    private static EmbeddedS3Server server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedS3Server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(new S3Location(server.bucket(), "e2e/" + UUID.randomUUID()),
                S3StoreConfig.builder()
                        .endpoint(server.endpoint())
                        .region(server.region())
                        .credentials(server.accessKey(), server.secretKey())
                        .build());
    }

    @Override
    protected Path kernelDirectory(ObjectStore store, Path scratch) throws Exception {
        return KernelRows.copyToDirectory(store, scratch);
    }
}
