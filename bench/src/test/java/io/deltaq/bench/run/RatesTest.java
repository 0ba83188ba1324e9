package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class RatesTest {

    @Test
    void rangesSingleRatesAndListsInTheOrderGiven() {
        assertEquals(List.of(10_000L, 70_000L, 130_000L, 190_000L, 250_000L), Rates.parse("10000:250000:60000"));
        assertEquals(List.of(5_000L), Rates.parse("5000"));
        assertEquals(List.of(1_000L, 2_000L, 50_000L, 100_000L), Rates.parse("1000:2000:1000, 50k, 100_000"));
        assertEquals(List.of(1_000L), Rates.parse("1000:1500:1000"));
    }

    @Test
    void badRatesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("1000:500:100")).getMessage()
                .contains("ends below its start"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("1000:2000")).getMessage()
                .contains("neither a rate nor START:END:STEP"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("fast")).getMessage()
                .contains("'fast'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("0")).getMessage()
                .contains("outside 1.."));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("1000,,2000")).getMessage()
                .contains("empty rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("1:100000000:1")).getMessage()
                .contains("more than"));
    }
}
