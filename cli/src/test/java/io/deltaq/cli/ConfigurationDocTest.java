package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.producer.ProducerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md shows the configuration tables the code defines, word for word. */
class ConfigurationDocTest {

    @Test
    void theDocumentedTablesAreTheDefinedOnes() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        assertTrue(text.contains(ProducerConfig.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the producer: paste ProducerConfig.DEFINITION.toMarkdown()");
        assertTrue(text.contains(ConsumerConfig.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the consumer: paste ConsumerConfig.DEFINITION.toMarkdown()");
    }
}
