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
     * @throws URISyntaxException if {@code rawPath} is not a valid URI, has a query or fragment, or
     *     decodes to a path that is not a plain relative key ({@code ..}, {@code .} or empty segments,
     *     a leading slash, a backslash, a control character: what encoded dots and slashes produce)
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

    private static Decoded inside(URI relative) throws URISyntaxException {
        String path = relative.getPath();
        boolean escapes = path.equals("..") || path.startsWith("../");
        if (!escapes) {
            checkSegments(relative.getRawPath(), path);
        }
        return new Decoded(path, !escapes);
    }

    /**
     * A decoded path is joined to the table's prefix as a store key, so it must stay a plain relative
     * path there: an encoded {@code %2e%2e} or {@code %2f} would otherwise become a {@code ..} segment
     * or a leading slash after decoding, and a backslash or a control character is a separator or a
     * terminator to some stores and file systems.
     */
    private static void checkSegments(String raw, String path) throws URISyntaxException {
        if (path.startsWith("/")) {
            throw new URISyntaxException(raw, "the decoded path is absolute");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                throw new URISyntaxException(raw, "the decoded path holds "
                        + (c == '\\' ? "a backslash" : "control character " + (int) c));
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new URISyntaxException(raw, "the decoded path has " + (segment.isEmpty()
                        ? "an empty segment" : "a '" + segment + "' segment") + " (encoded dots or slashes?)");
            }
        }
    }

    /**
     * @param path the decoded path: relative to the table root when {@code insideTable}, otherwise
     *     as written (an absolute location or a relative path with {@code ..})
     */
    record Decoded(String path, boolean insideTable) {
    }
}
