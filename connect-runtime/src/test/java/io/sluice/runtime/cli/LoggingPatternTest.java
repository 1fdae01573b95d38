package io.sluice.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** The worker's console log (the shipped log4j2.xml) masks credentials inside logged values, whoever logs them. */
class LoggingPatternTest {

    @Test
    void aPasswordInsideAJdbcUrlOrAUrlsUserInfoIsMaskedInMessagesAndTraces() {
        Layout<?> layout = ((LoggerContext) LogManager.getContext(false)).getConfiguration().getAppender("stdout").getLayout();
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("com.example.ThirdPartyConfig").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("connection.url = jdbc:postgresql://db:5432/app?user=u&password=UrlSecret777&ssl=true"))
                .setThrown(new IllegalStateException("cannot reach jdbc:mysql://root:Hunter2pw@db:3306/x;pwd=Other9"))
                .build();

        String line = new String(layout.toByteArray(event), StandardCharsets.UTF_8);

        for (String secret : new String[] {"UrlSecret777", "Hunter2pw", "Other9"}) {
            assertFalse(line.contains(secret), secret + " in " + line);
        }
        assertTrue(line.contains("?user=u&password=[hidden]&ssl=true"), line);
        assertTrue(line.contains("jdbc:mysql://root:[hidden]@db:3306/x;pwd=[hidden]"), line);
        assertTrue(line.contains("at io.sluice.runtime.cli.LoggingPatternTest"), "the trace is still written: " + line);
    }
}
