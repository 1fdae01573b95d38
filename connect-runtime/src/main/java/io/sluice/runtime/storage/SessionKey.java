package io.sluice.runtime.storage;

import java.util.Arrays;

/**
 * The key workers of a cluster sign their internal requests with, as the leader last wrote it to the config
 * topic (Apache's "session-key" record); creationTimestamp tells when it expires.
 */
public record SessionKey(byte[] key, String algorithm, long creationTimestamp) {

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionKey other && Arrays.equals(key, other.key) && algorithm.equals(other.algorithm)
                && creationTimestamp == other.creationTimestamp;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Long.hashCode(creationTimestamp);
    }

    /** Never the key itself: a session key must not reach a log line. */
    @Override
    public String toString() {
        return "SessionKey(" + algorithm + ", created " + creationTimestamp + ")";
    }
}
