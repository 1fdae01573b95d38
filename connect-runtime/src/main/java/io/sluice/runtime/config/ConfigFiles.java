package io.sluice.runtime.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Reading config files: existence and readability checks and the .properties format, with one-line errors. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    static String read(Path file, String what) {
        if (!Files.exists(file)) {
            throw new ConfigFileException(file, what + " file does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigFileException(file, what + " file is a directory, not a file");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            try {
                // Apache reads properties files as ISO-8859-1; accept such files too
                return Files.readString(file, StandardCharsets.ISO_8859_1);
            } catch (IOException again) {
                throw unreadable(file, what, again);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigFileException(file, what + " file does not exist", e);
        } catch (IOException | SecurityException e) {
            throw unreadable(file, what, e);
        }
    }

    private static ConfigFileException unreadable(Path file, String what, Exception e) {
        return new ConfigFileException(file, "cannot read " + what + " file: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    /** Properties in file order; values trimmed of trailing whitespace as java.util.Properties keeps them. */
    static Map<String, String> parseProperties(Path file, String text) {
        Map<String, String> ordered = new LinkedHashMap<>();
        Properties props = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                ordered.put((String) key, (String) value);
                return super.put(key, value);
            }
        };
        try {
            props.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigFileException(file, "not a valid properties file: " + e.getMessage(), e);
        }
        return ordered;
    }
}
