package io.deltaq.deltalog.internal.parquet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A struct value of the generic row model: field name to value, in schema order, with typed
 * getters. Values are {@code null}, {@link String}, {@code byte[]}, {@link Long},
 * {@link Integer}, {@link Boolean}, {@link Float}, {@link Double}, a nested
 * {@code ParquetStruct}, a {@link List} or a {@link Map} (string keys for string-keyed maps).
 * A field the file does not have reads as null.
 */
public final class ParquetStruct extends LinkedHashMap<String, Object> {

    public ParquetStruct() {
        super();
    }

    public ParquetStruct(int expectedFields) {
        super(Math.max(4, expectedFields * 4 / 3 + 1));
    }

    /** Fluent put for building rows to write. */
    public ParquetStruct with(String field, Object value) {
        put(field, value);
        return this;
    }

    public String getString(String field) {
        return (String) typed(field, String.class);
    }

    public byte[] getBytes(String field) {
        return (byte[]) typed(field, byte[].class);
    }

    public Long getLong(String field) {
        Object v = get(field);
        if (v instanceof Integer i) {
            return i.longValue();
        }
        return (Long) typed(field, Long.class);
    }

    public Integer getInt(String field) {
        return (Integer) typed(field, Integer.class);
    }

    public Boolean getBoolean(String field) {
        return (Boolean) typed(field, Boolean.class);
    }

    public ParquetStruct getStruct(String field) {
        return (ParquetStruct) typed(field, ParquetStruct.class);
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String field) {
        return (List<Object>) typed(field, List.class);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String field) {
        return (Map<String, Object>) typed(field, Map.class);
    }

    private Object typed(String field, Class<?> type) {
        Object v = get(field);
        if (v != null && !type.isInstance(v)) {
            throw new ClassCastException("field '" + field + "' holds " + v.getClass().getSimpleName()
                    + ", not " + type.getSimpleName());
        }
        return v;
    }
}
