package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server the stream reads from crashes and comes back: the stream notices at once and resumes. */
class CdcServerRestartIT extends CdcTaskHarness {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("cdcrestart");

    @Override
    PostgresDatabase db() {
        return db;
    }

    @Test
    void aQuietStreamNoticesTheServersRestartWithinSecondsAndResumes() throws Exception {
        db.execute("CREATE SCHEMA quiet", "CREATE TABLE quiet.t (id int PRIMARY KEY)", "INSERT INTO quiet.t VALUES (1)");
        RecordingSourceContext context = new RecordingSourceContext();
        String slot = slot();
        // the default status interval: the stream writes to the server on its own only every 10 s
        PostgresCdcTask task = start(context, config(slot, "schema.include.list", "quiet",
                "status.update.interval.ms", "10000"));
        collect(task, context, 1);
        long walsender = walsenderPid(slot);

        // a killed backend makes the postmaster end every other one and recover, as after a crash: the walsender's
        // socket closes without a word, which a quiet stream only learns by writing to it
        assertTrue(ProcessHandle.of(walsender).orElseThrow().destroyForcibly(), "the walsender killed");
        Await.until(() -> {
            try {
                db.execute("INSERT INTO quiet.t VALUES (2)");
                return true;
            } catch (IllegalStateException e) {
                return false; // still recovering
            }
        }, Duration.ofSeconds(60), "the server back after its crash recovery");
        long back = System.nanoTime();
        List<SourceRecord> after = collect(task, context, 1);
        long seconds = Duration.ofNanos(System.nanoTime() - back).toSeconds();
        assertEquals(2, row(after.get(0)).getInt32("id"));
        // noticing takes a status write (1 s), reconnecting 250 ms then 1 s: far below the status interval plus the
        // 10 s reconnect wait it took before
        assertTrue(seconds < 8, "the change written after the restart arrived " + seconds + " s later");
    }

    private long walsenderPid(String slot) {
        Await.until(() -> db.scalar("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
                != null, Duration.ofSeconds(30), "the stream reading the slot");
        return ((Number) db.scalar("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))
                .longValue();
    }
}
