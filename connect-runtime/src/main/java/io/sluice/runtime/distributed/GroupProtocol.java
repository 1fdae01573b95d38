package io.sluice.runtime.distributed;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Connect group protocols a Sluice worker offers when it joins, most preferred first: its own, then
 * Apache's incremental cooperative ones up to connect.protocol. The group coordinator picks one that every
 * member offers, so an all-Sluice group runs Sluice's and a group with Apache workers runs Apache's.
 */
enum GroupProtocol {
    /** Sluice's: JSON metadata, full assignments with every worker's share, signed requests. */
    SLUICE(ConnectProtocol.PROTOCOL_NAME, true),
    /** Apache's KIP-507 protocol (its default since 2.4): incremental assignments, signed internal requests. */
    SESSIONED("sessioned", true),
    /** Apache's KIP-415 protocol: incremental assignments, internal requests not signed. */
    COMPATIBLE("compatible", false);

    private final String protocolName;
    private final boolean signsRequests;

    GroupProtocol(String protocolName, boolean signsRequests) {
        this.protocolName = protocolName;
        this.signsRequests = signsRequests;
    }

    /** The name on the wire (JoinGroup's protocol name). */
    String protocolName() {
        return protocolName;
    }

    /** Whether requests between workers are signed with the session key and refused unsigned (KIP-507). */
    boolean signsRequests() {
        return signsRequests;
    }

    boolean apache() {
        return this != SLUICE;
    }

    /** The protocol the coordinator selected, by its name. */
    static GroupProtocol named(String protocolName) {
        for (GroupProtocol protocol : values()) {
            if (protocol.protocolName.equals(protocolName)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("Unknown Connect group protocol " + protocolName);
    }

    /**
     * What a worker offers for connect.protocol (Apache's key): Sluice's own first, then Apache's from the
     * named one down (WorkerConfig refuses other values). Apache's eager protocol (stop everything at every
     * rebalance) is not offered.
     */
    static List<GroupProtocol> offered(String connectProtocol) {
        return switch (connectProtocol.toLowerCase(Locale.ROOT)) {
            case "sessioned" -> List.of(SLUICE, SESSIONED, COMPATIBLE);
            case "compatible" -> List.of(SLUICE, COMPATIBLE);
            default -> throw new ConfigException("connect.protocol", connectProtocol, "must be 'sessioned' or 'compatible'");
        };
    }
}
