package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyValuesTest {

    @Test
    void keysAndValuesAreTrimmedAndAValueMayHoldEquals() {
        Map<String, String> properties = new LinkedHashMap<>();
        KeyValues.parseInto("delta.logRetentionDuration = interval 5 minutes", properties);
        KeyValues.parseInto("a.b=x=y", properties);
        assertEquals(Map.of("delta.logRetentionDuration", "interval 5 minutes", "a.b", "x=y"), properties);
    }

    @Test
    void aMissingKeyABlankInTheKeyOrAKeyGivenTwiceIsRefused() {
        Map<String, String> properties = new LinkedHashMap<>(Map.of("a.b", "x"));
        assertEquals("a.b is given twice",
                assertThrows(IllegalArgumentException.class, () -> KeyValues.parseInto("a.b=z", properties)).getMessage());
        for (String bad : new String[] {"=z", " =z", "novalue", "a b=c"}) {
            assertEquals("'" + bad + "' is not KEY=VALUE",
                    assertThrows(IllegalArgumentException.class, () -> KeyValues.parseInto(bad, properties)).getMessage());
        }
        assertEquals(Map.of("a.b", "x"), properties, "nothing added");
    }
}
