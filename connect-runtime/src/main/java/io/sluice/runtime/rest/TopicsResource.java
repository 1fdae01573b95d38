package io.sluice.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.util.Set;

/**
 * Topic peek and produce, for operators and the console (REST Proxy's idea, kept small):
 * {@code GET /topics}, {@code GET /topics/{topic}/partitions/{partition}/records} (the last
 * {@code count} records, or {@code count} from {@code offset}; raw as {@code format=utf8|base64|auto}
 * or decoded with {@code connector=NAME}'s converters) and {@code POST /topics/{topic}/records}
 * (off unless rest.topics.produce.enable=true). Behind the same authentication as the rest of the API, and only for
 * the topics {@link TopicAccess} lets through: never, by default, the internal topics that hold connector secrets.
 */
@Path("/topics")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class TopicsResource {
    private final Herder herder;
    private final TopicRecords topics;
    private final TopicAccess access;

    TopicsResource(Herder herder, TopicRecords topics, TopicAccess access) {
        this.herder = herder;
        this.topics = topics;
        this.access = access;
    }

    /** The topics that may be read here. */
    @GET
    public ArrayNode listTopics() {
        checkPeek();
        Set<String> internal = access.internalTopics();
        ArrayNode readable = JsonNodeFactory.instance.arrayNode();
        topics.topics().forEach(t -> {
            if (access.permits(internal, t.path("name").asText())) {
                readable.add(t);
            }
        });
        return readable;
    }

    @GET
    @Path("/{topic}/partitions/{partition}/records")
    public ObjectNode peek(@PathParam("topic") String topic, @PathParam("partition") int partition,
                           @QueryParam("offset") Long offset, @QueryParam("count") @DefaultValue("10") int count,
                           @QueryParam("format") @DefaultValue("auto") String format,
                           @QueryParam("connector") String connector) {
        checkPeek();
        access.check(topic);
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
        topics.checkProduce();
        access.check(topic);
        return topics.produce(topic, body);
    }

    private void checkPeek() {
        if (!topics.config().getBoolean(ObservabilityConfig.PEEK_ENABLE)) {
            throw new HerderException(403, "Reading topics over REST is disabled (" + ObservabilityConfig.PEEK_ENABLE + "=false)");
        }
    }
}
