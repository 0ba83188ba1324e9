package io.deltaq.bench.run;

import java.util.ArrayList;
import java.util.List;

/** Parses {@code --rates}: {@code START:END:STEP}, one rate, or a comma-separated list of either. */
public final class Rates {

    /** Keeps a typo such as a missing colon from launching a sweep of millions of runs. */
    static final int MAX_RATES = 1_000;
    static final long MAX_RATE = 100_000_000;

    private Rates() {
    }

    /**
     * @return the rates in messages per second, in the order given, each at least 1
     * @throws IllegalArgumentException with what is wrong with {@code text}
     */
    public static List<Long> parse(String text) {
        List<Long> rates = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String item = part.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty rate in '" + text + "'");
            }
            String[] range = item.split(":", -1);
            if (range.length == 1) {
                rates.add(rate(range[0], item));
            } else if (range.length == 3) {
                long start = rate(range[0], item);
                long end = rate(range[1], item);
                long step = rate(range[2], item);
                if (end < start) {
                    throw new IllegalArgumentException("range '" + item + "' ends below its start");
                }
                for (long r = start; r <= end; r += step) {
                    rates.add(r);
                    if (rates.size() > MAX_RATES) {
                        break;
                    }
                }
            } else {
                throw new IllegalArgumentException("'" + item + "' is neither a rate nor START:END:STEP");
            }
            if (rates.size() > MAX_RATES) {
                throw new IllegalArgumentException("'" + text + "' names more than " + MAX_RATES + " rates");
            }
        }
        return rates;
    }

    private static long rate(String word, String item) {
        String number = word.trim().replace("_", "");
        long multiplier = 1;
        if (number.endsWith("k") || number.endsWith("K")) {
            multiplier = 1_000;
            number = number.substring(0, number.length() - 1);
        }
        long value;
        try {
            value = Long.parseLong(number) * multiplier;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + word + "' in '" + item + "' is not a whole number of messages per second");
        }
        if (value < 1 || value > MAX_RATE) {
            throw new IllegalArgumentException("rate " + value + " in '" + item + "' is outside 1.." + MAX_RATE);
        }
        return value;
    }
}
