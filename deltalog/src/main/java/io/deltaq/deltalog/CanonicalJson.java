package io.deltaq.deltalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON document in a canonical text form: object keys sorted, no whitespace, numbers and strings
 * as the generator writes them. Two schema strings that differ only in key order or whitespace
 * (Spark, Kernel and delta-rs order keys differently) have the same canonical form.
 */
final class CanonicalJson {

    private CanonicalJson() {
    }

    /**
     * @throws IllegalArgumentException if the text is not one valid JSON value
     */
    static String canonicalize(String json) {
        try (JsonParser p = ActionJson.FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("empty JSON text");
            }
            Object tree = read(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the JSON value");
            }
            StringWriter sw = new StringWriter(json.length());
            try (JsonGenerator g = ActionJson.FACTORY.createGenerator(sw)) {
                write(g, tree);
            }
            return sw.toString();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new TreeMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, read(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        }
    }

    @SuppressWarnings("unchecked")
    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.toString());
        }
    }
}
