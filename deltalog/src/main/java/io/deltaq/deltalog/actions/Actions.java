package io.deltaq.deltalog.actions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defensive copies for action records: immutable, null values allowed (Delta uses them). */
final class Actions {

    private Actions() {
    }

    static Map<String, String> copyMap(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        if (map.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static List<String> copyList(List<String> list) {
        if (list == null) {
            return null;
        }
        if (list.isEmpty()) {
            return List.of();
        }
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    static <T> T required(T value, String action, String field) {
        if (value == null) {
            throw new IllegalArgumentException(action + "." + field + " is required");
        }
        return value;
    }
}
