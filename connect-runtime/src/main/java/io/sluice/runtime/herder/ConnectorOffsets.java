package io.sluice.runtime.herder;

import java.util.List;
import java.util.Map;

/**
 * A connector's offsets as KIP-875's REST API shows and accepts them: {"offsets": [{"partition": {...},
 * "offset": {...}}]}. Sink partitions are {"kafka_topic", "kafka_partition"}, sink offsets {"kafka_offset"}.
 */
public record ConnectorOffsets(List<ConnectorOffset> offsets) {

    /** One partition and its offset; a null offset in a PATCH resets that partition. */
    public record ConnectorOffset(Map<String, Object> partition, Map<String, Object> offset) {
    }
}
