package io.sluice.runtime.config;

import java.nio.file.Path;
import org.apache.kafka.connect.errors.ConnectException;

/** A worker or connector config file that can't be used; the message is one line naming the file. */
public final class ConfigFileException extends ConnectException {

    public ConfigFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ConfigFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
