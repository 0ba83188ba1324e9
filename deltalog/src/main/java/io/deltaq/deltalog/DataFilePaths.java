package io.deltaq.deltalog;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Decodes the {@code path} of {@code add}/{@code remove} actions. The protocol makes them RFC 2396
 * URIs, so they are decoded with {@link URI} ({@code %2B} becomes {@code +}, a literal {@code +}
 * stays {@code +}); {@code URLDecoder} would be wrong because it turns {@code +} into a space.
 */
final class DataFilePaths {

    private DataFilePaths() {
    }

    /**
     * The decoded path, relative to the table root when the file lies inside it.
     *
     * @return the decoded path, or null if the path leaves the table root
     * @throws URISyntaxException if {@code rawPath} is not a valid URI or has a query or fragment
     */
    static Decoded decode(String rawPath, String tableUri) throws URISyntaxException {
        URI uri = new URI(rawPath);
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new URISyntaxException(rawPath, "a data file path has no query or fragment");
        }
        if (uri.isOpaque()) {
            throw new URISyntaxException(rawPath, "not a hierarchical URI");
        }
        if (uri.isAbsolute() || uri.getRawAuthority() != null || uri.getRawPath().startsWith("/")) {
            if (tableUri != null) {
                String root = tableUri.endsWith("/") ? tableUri : tableUri + "/";
                URI relative = new URI(root).relativize(uri.normalize());
                if (!relative.isAbsolute() && relative.getRawAuthority() == null
                        && !relative.getRawPath().startsWith("/") && !relative.getRawPath().isEmpty()) {
                    return inside(relative);
                }
            }
            String outside = uri.isAbsolute() ? uri.getScheme() + ":" + uri.getSchemeSpecificPart() : uri.getPath();
            return new Decoded(outside, false);
        }
        if (uri.getRawPath().isEmpty()) {
            throw new URISyntaxException(rawPath, "empty path");
        }
        return inside(uri.normalize());
    }

    private static Decoded inside(URI relative) {
        String path = relative.getPath();
        boolean escapes = path.equals("..") || path.startsWith("../");
        return new Decoded(path, !escapes);
    }

    /**
     * @param path the decoded path: relative to the table root when {@code insideTable}, otherwise
     *     as written (an absolute location or a relative path with {@code ..})
     */
    record Decoded(String path, boolean insideTable) {
    }
}
