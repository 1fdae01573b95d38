package io.sluice.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * Topic peek and produce, for operators and the console (REST Proxy's idea, kept small):
 * {@code GET /topics}, {@code GET /topics/{topic}/partitions/{partition}/records} (the last
 * {@code count} records, or {@code count} from {@code offset}; raw as {@code format=utf8|base64|auto}
 * or decoded with {@code connector=NAME}'s converters) and {@code POST /topics/{topic}/records}
 * (off unless rest.topics.produce.enable=true). Behind the same authentication as the rest of the API.
 */
@Path("/topics")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class TopicsResource {
    private final Herder herder;
    private final TopicRecords topics;

    public TopicsResource(Herder herder, TopicRecords topics) {
        this.herder = herder;
        this.topics = topics;
    }

    @GET
    public ArrayNode listTopics() {
        checkPeek();
        return topics.topics();
    }

    @GET
    @Path("/{topic}/partitions/{partition}/records")
    public ObjectNode peek(@PathParam("topic") String topic, @PathParam("partition") int partition,
                           @QueryParam("offset") Long offset, @QueryParam("count") @DefaultValue("10") int count,
                           @QueryParam("format") @DefaultValue("auto") String format,
                           @QueryParam("connector") String connector) {
        checkPeek();
        if (!List.of("auto", "utf8", "base64").contains(format)) {
            throw HerderException.badRequest("format must be auto, utf8 or base64 (or name a connector with connector=NAME)");
        }
        Map<String, String> connectorConfig = null;
        if (connector != null && !connector.isBlank()) {
            connectorConfig = herder.connectorConfig(connector);
        }
        return topics.peek(topic, partition, offset, count, format, connector, connectorConfig);
    }

    @POST
    @Path("/{topic}/records")
    public ObjectNode produce(@PathParam("topic") String topic, JsonNode body) {
        return topics.produce(topic, body);
    }

    private void checkPeek() {
        if (!topics.config().getBoolean(ObservabilityConfig.PEEK_ENABLE)) {
            throw new HerderException(403, "Reading topics over REST is disabled (" + ObservabilityConfig.PEEK_ENABLE + "=false)");
        }
    }
}
