package io.sluice.file.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** A file's identity beyond its path: the file system's file key (device and inode on Unix). */
final class FileIdentity {

    private FileIdentity() {
    }

    /** The file key as text, or "" where the file system has none (then only the path identifies a file). */
    static String keyOf(Path path) throws IOException {
        Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return key == null ? "" : key.toString();
    }
}
