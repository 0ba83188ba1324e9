package io.deltaq.s3io;

import io.deltaq.s3server.EmbeddedS3Server;
import java.util.Map;
import java.util.UUID;

/** Conditional writes over HTTP against s3proxy on loopback. */
class S3ConditionalWritesTest extends ConditionalWritesContractTest {

    @Override
    protected ObjectStore openStore() {
        EmbeddedS3Server server = SharedS3Server.get();
        return ObjectStores.open(server.address("conditional/" + UUID.randomUUID()), server.environment(), Map.of());
    }
}
