package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sluice.jdbc.sink.JdbcSinkConfig;
import io.sluice.jdbc.source.JdbcSourceConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** A password inside connection.url never reaches the log, not even with Kafka's config logging at its most verbose. */
class JdbcConfigLoggingTest {
    private static final String URL = "jdbc:postgresql://db:5432/app?user=u&password=UrlSecret777";

    @Test
    void aPasswordInTheConnectionUrlIsNotLoggedWhenTheConfigsAreParsed() {
        List<String> lines = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("jdbc-url-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        Configurator.setLevel("org.apache.kafka.common.config", Level.ALL);
        try {
            new JdbcSinkConfig(Map.of("connection.url", URL, "topics", "t"));
            new JdbcSourceConfig(Map.of("connection.url", URL, "mode", "bulk", "topic.prefix", "p-"));
        } finally {
            context.getConfiguration().getRootLogger().removeAppender(capture.getName());
            context.reconfigure();
        }
        for (String line : lines) {
            assertFalse(line.contains("UrlSecret777"), "logged: " + line);
        }
    }
}
