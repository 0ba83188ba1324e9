package io.deltaq.deltalog.actions;

import java.util.Map;

/** The {@code format} of a {@link Metadata} action: the data files' encoding. */
public record Format(String provider, Map<String, String> options) {

    public static final Format PARQUET = new Format("parquet", Map.of());

    public Format {
        Actions.required(provider, "format", "provider");
        options = Actions.copyMap(options == null ? Map.of() : options);
    }
}
