package io.deltaq.s3io;

import java.util.List;

/**
 * One page of a listing, keys in ascending order.
 *
 * @param objects the objects on this page
 * @param truncated whether more keys may follow; continue from {@link #nextStartAfter()}
 */
public record ListPage(List<ObjectInfo> objects, boolean truncated) {

    public ListPage {
        objects = List.copyOf(objects);
    }

    /** The key to pass as {@code startAfter} for the next page, or null when this page is empty. */
    public String nextStartAfter() {
        return objects.isEmpty() ? null : objects.get(objects.size() - 1).key();
    }
}
