package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.CommitInfo;

/**
 * Recognising a commit by the id its writer put in {@code commitInfo.operationParameters}: how a
 * writer whose conditional create had an unknown outcome tells its own commit, found at the version it
 * tried, from another writer's (docs/rfcs/0001-create-or-recognise.md). Never by bytes: the same
 * actions may be written twice by two writers.
 */
final class OwnCommits {

    private OwnCommits() {
    }

    /** The value of one {@code commitInfo.operationParameters} entry, or null. */
    static String parameter(Commit commit, String name) {
        return commit.commitInfo()
                .map(CommitInfo::operationParameters)
                .map(p -> p.get(name))
                .orElse(null);
    }

    /**
     * Whether the commit bytes found at {@code version} carry {@code id} under {@code parameter}. Bytes
     * that do not parse are not ours (ours always parse); the caller reads and reports them as the winner.
     */
    static boolean carries(byte[] existing, String file, long version, String parameter, String id) {
        Commit found;
        try {
            found = new Commit(version, ActionJson.parseCommit(existing, file, version));
        } catch (RuntimeException unreadable) {
            return false;
        }
        return id.equals(parameter(found, parameter));
    }
}
