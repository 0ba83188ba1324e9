package io.deltaq.s3io;

import io.deltaq.s3server.EmbeddedS3Server;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Conditional writes over HTTP against s3proxy on loopback. */
class S3ConditionalWritesTest extends ConditionalWritesContractTest {

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
        return new S3ObjectStore(new S3Location(server.bucket(), "conditional/" + UUID.randomUUID()),
                S3StoreConfig.builder().endpoint(server.endpoint()).region(server.region())
                        .credentials(server.accessKey(), server.secretKey()).build());
    }
}
