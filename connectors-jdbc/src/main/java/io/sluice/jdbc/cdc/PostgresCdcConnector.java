package io.sluice.jdbc.cdc;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change data capture from PostgreSQL through logical replication (pgoutput): a snapshot of the existing rows at
 * COPY speed, then every insert, update, delete and truncate, as Debezium's change events or flat rows. One slot is
 * read by one connection, so the connector runs one task (the snapshot runs on snapshot.max.threads connections).
 */
public class PostgresCdcConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(PostgresCdcConnector.class);

    /**
     * The slot each connector started in this worker was last started with: a reset of another connector's offsets
     * must not drop a slot one of these reads (a connector deleted since stays listed: its slot is then only kept).
     */
    private static final Map<String, String> STARTED_SLOTS = new ConcurrentHashMap<>();

    private Map<String, String> props;
    /** Registered once per instance and kept through stop(): a paused or stopped connector's slot still keeps WAL. */
    private SlotFigures slotFigures;

    /**
     * Shows the slot's figures from here on when the runtime gives the connector's configuration with its context
     * (Sluice does: a Supplier of it), so a connector that stays STOPPED, never started by this worker, shows the WAL
     * its slot keeps too. Under a runtime that gives none they appear once the connector starts.
     */
    @Override
    public void initialize(ConnectorContext ctx) {
        super.initialize(ctx);
        if (ctx instanceof Supplier<?> supplier && supplier.get() instanceof Map<?, ?> given && !given.isEmpty()) {
            Map<String, String> config = new HashMap<>();
            given.forEach((k, v) -> config.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            try {
                CdcConfig cdc = new CdcConfig(config);
                if (cdc.problems().isEmpty()) {
                    slotFigures(cdc);
                }
            } catch (ConfigException e) {
                log.debug("No slot figures before the connector starts: {}", e.getMessage()); // start() says it
            }
        }
    }

    private void slotFigures(CdcConfig config) {
        if (slotFigures == null) {
            slotFigures = new SlotFigures();
            slotFigures.register(context.pluginMetrics());
        }
        slotFigures.configure(config);
    }

    @Override
    public void start(Map<String, String> props) {
        CdcConfig config = new CdcConfig(props);
        ConfigProblem.throwFirst(config.problems());
        slotFigures(config);
        if (props.get("name") != null) {
            STARTED_SLOTS.put(props.get("name"), config.slotName());
        }
        // a wrong password, host or database fails the connector now, with the database's words in its trace
        ConnectionCheck.failFast(config, ConnectionKeys.dialect(config));
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PostgresCdcTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CdcConfig.CONFIG_DEF;
    }

    /**
     * Each key, then the rules across keys, then the database: connects and reports the password, user or URL at
     * fault; wal_level; the replication privilege and pg_hba.conf's replication rule; the captured tables; whether
     * the publication exists or may be created; the slot's state; the signal table.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConfigProblem.validateInSteps(super.validate(connectorConfigs),
                () -> new CdcConfig(connectorConfigs).problems(),
                () -> {
                    CdcConfig config = new CdcConfig(connectorConfigs);
                    return CdcDatabaseCheck.problems(config, ConnectionKeys.dialect(config));
                });
    }

    /**
     * A reset of the offsets (DELETE /connectors/{name}/offsets) means "start over": the slot's position belongs to
     * the old offsets, and only a slot created afresh gives the next snapshot an exact seam with the stream. With
     * slot.drop.on.offsets.reset (the default) the slot is dropped, and the publication too when this connector may
     * create it (publication.autocreate.mode other than disabled). Offsets set to other values are taken as given.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        // a reset sends every stored partition with a null offset (none when nothing was ever committed); an alter
        // with nothing in it is refused before it gets here
        boolean reset = offsets.values().stream().allMatch(v -> v == null);
        CdcConfig config = new CdcConfig(connectorConfig);
        if (!reset || !config.getBoolean(CdcConfig.DROP_ON_RESET)) {
            return true;
        }
        String sharer = STARTED_SLOTS.entrySet().stream()
                .filter(e -> !e.getKey().equals(connectorConfig.get("name")) && e.getValue().equals(config.slotName()))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (sharer != null) {
            // the next start snapshots again either way; keeping the slot only means it streams from the slot's
            // confirmed position, while dropping it would take the other connector's changes
            log.warn("Offsets reset, but replication slot {} is not dropped: connector {} (started in this worker) "
                    + "is configured with it too. Give each connector its own slot.name", config.slotName(), sharer);
            return true;
        }
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        try (Connection connection = new CdcSessions(config, dialect).plain()) {
            Replication replication = new Replication(config);
            Replication.SlotState slot = replication.slot(connection);
            if (slot != null && slot.active()) {
                throw new ConnectException("Replication slot " + config.slotName() + " is in use by another connection: "
                        + "stop whatever reads it before resetting the offsets");
            }
            replication.dropSlot(connection);
            if (config.publicationMode() != CdcConfig.PublicationMode.DISABLED) {
                replication.dropPublication(connection);
            }
        } catch (java.sql.SQLException e) {
            throw new ConnectException("Resetting the offsets drops replication slot " + config.slotName()
                    + " (and publication " + config.publicationName() + " if this user owns it), which failed: "
                    + io.sluice.jdbc.DatabaseFailure.reason(e), e);
        }
        log.info("Offsets reset: slot {} dropped; the next start takes a new snapshot (snapshot.mode={})",
                config.slotName(), config.snapshotMode().name().toLowerCase());
        return true;
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }
}
