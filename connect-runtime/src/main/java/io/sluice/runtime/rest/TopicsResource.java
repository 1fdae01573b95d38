package io.sluice.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.topics.TopicService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Topic peek and produce, for operators and the console (REST Proxy's idea, kept small):
 * {@code GET /topics}, {@code GET /topics/{topic}/partitions/{partition}/records} (the last
 * {@code count} records, or {@code count} from {@code offset}; raw as {@code format=utf8|base64|auto}
 * or decoded with {@code connector=NAME}'s converters) and {@code POST /topics/{topic}/records}
 * (off unless rest.topics.produce.enable=true). Behind the same authentication as the rest of the API;
 * which topics and what is allowed is the {@link TopicService}'s to decide.
 */
@Path("/topics")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class TopicsResource {
    private final TopicService topics;

    TopicsResource(TopicService topics) {
        this.topics = topics;
    }

    /** The topics that may be read here. */
    @GET
    public ArrayNode listTopics() {
        return topics.readableTopics();
    }

    @GET
    @Path("/{topic}/partitions/{partition}/records")
    public ObjectNode peek(@PathParam("topic") String topic, @PathParam("partition") int partition,
                           @QueryParam("offset") Long offset, @QueryParam("count") @DefaultValue("10") int count,
                           @QueryParam("format") @DefaultValue("auto") String format,
                           @QueryParam("connector") String connector) {
        return topics.peek(topic, partition, offset, count, format, connector);
    }

    @POST
    @Path("/{topic}/records")
    public ObjectNode produce(@PathParam("topic") String topic, JsonNode body) {
        return topics.produce(topic, body);
    }
}
