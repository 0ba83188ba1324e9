package io.deltaq.deltalog;

import java.util.Set;

/**
 * The table requires a table feature, protocol version or setting that deltaq does not implement,
 * so reading (or writing) it could give wrong results. The message names what is missing.
 */
public final class UnsupportedTableFeatureException extends DeltaLogException {
    private static final long serialVersionUID = 1L;

    private final Set<String> features;

    UnsupportedTableFeatureException(String message, Set<String> features) {
        super(message);
        this.features = Set.copyOf(features);
    }

    /**
     * The unsupported features by their protocol names (e.g. {@code deletionVectors}); empty when
     * the refusal is about a protocol version rather than a named feature.
     */
    public Set<String> features() {
        return features;
    }
}
