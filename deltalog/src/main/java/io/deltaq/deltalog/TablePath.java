package io.deltaq.deltalog;

/**
 * A table's root as a key prefix in its store: the one place a table path is normalised. Every key
 * of the table, its log, its data files and deltaq's own files, is this prefix plus a relative path.
 */
public final class TablePath {

    private TablePath() {
    }

    /**
     * The key prefix of the table at {@code tablePath} within a store: empty for the store's root,
     * otherwise the path without leading slashes, with repeated slashes folded and one trailing
     * slash. {@code "/x"}, {@code "x"}, {@code "x/"} and {@code "//x//"} all name the prefix {@code "x/"}.
     *
     * @throws IllegalArgumentException for a path with {@code .} or {@code ..} segments, or with a
     *     scheme (a table address such as {@code s3://bucket/x} names a store, not a path within one)
     */
    public static String root(String tablePath) {
        if (tablePath == null) {
            return "";
        }
        if (tablePath.contains("://")) {
            throw new IllegalArgumentException("table path '" + tablePath + "' is an address; open its store with "
                    + "ObjectStores.open and pass the path within the store (empty for the store's root)");
        }
        StringBuilder root = new StringBuilder(tablePath.length() + 1);
        for (String segment : tablePath.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("table path '" + tablePath + "' has a '" + segment
                        + "' segment; name the table's directory directly");
            }
            root.append(segment).append('/');
        }
        return root.toString();
    }
}
