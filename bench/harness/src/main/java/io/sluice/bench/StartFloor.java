package io.sluice.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Scenario 6's floor: the least a process must do before it can answer as a worker with an external broker does, run
 * on Sluice's class path and class-data-sharing archive. It opens Jetty on a port and, beside it, makes one Kafka
 * admin metadata round trip; {@code GET /} answers 503 until the round trip is done, then 200. It runs until stopped, so
 * its CPU-seconds can be read at that first 200 as a worker's are.
 * Whatever Sluice spends beyond this (Jersey's model, the config topic's read, its own set-up) is Sluice's to cut.
 *
 * <p>Usage: {@code StartFloor PORT BOOTSTRAP_SERVERS}. Runs in the worker's JVM, not the harness's: it needs Jetty,
 * which only Sluice's class path carries.
 */
public final class StartFloor {

    /** What the floor is, as the report names it. */
    static final String WHAT = "a JVM on Sluice's class path and archive: Jetty + one Kafka metadata round trip";

    private StartFloor() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String bootstrap = args[1];
        // the round trip starts first and runs beside Jetty's start, as a worker's store reads run beside REST's bind
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        CompletableFuture<String> clusterId = admin.describeCluster().clusterId().toCompletionStage().toCompletableFuture();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                boolean ready = clusterId.isDone() && !clusterId.isCompletedExceptionally();
                response.setStatus(ready ? 200 : 503);
                String body = ready ? "{\"kafka_cluster_id\":\"" + clusterId.join() + "\"}" : "{}";
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
