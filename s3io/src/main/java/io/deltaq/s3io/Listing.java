package io.deltaq.s3io;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Paged listing, written once: every caller that walks keys past one page goes through here. */
public final class Listing {

    private Listing() {
    }

    /**
     * Visits the keys under {@code prefix} after {@code startAfter} (null: from the first), in
     * ascending order, page by page, until {@code visitor} answers false or the keys run out. The
     * next page is requested only when the visitor has taken every key of the last one.
     *
     * @return completes when the walk stops, or with the store's failure
     */
    public static CompletableFuture<Void> forEach(ObjectStore store, String prefix, String startAfter, int pageSize,
                                                  Predicate<ObjectInfo> visitor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        page(store, prefix, startAfter, pageSize, visitor, done);
        return done;
    }

    private static void page(ObjectStore store, String prefix, String startAfter, int pageSize,
                             Predicate<ObjectInfo> visitor, CompletableFuture<Void> done) {
        CompletableFuture<ListPage> page;
        try {
            page = store.list(prefix, startAfter, pageSize);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
        }
        page.whenComplete((listed, error) -> {
            if (error != null) {
                done.completeExceptionally(Futures.unwrap(error));
                return;
            }
            try {
                for (ObjectInfo info : listed.objects()) {
                    if (!visitor.test(info)) {
                        done.complete(null);
                        return;
                    }
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (!listed.truncated() || listed.nextStartAfter() == null) {
                done.complete(null);
            } else {
                page(store, prefix, listed.nextStartAfter(), pageSize, visitor, done);
            }
        });
    }
}
