package io.sluice.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Whether a directory the connectors write into (the sink's output, the source's finished files) takes new files. */
public final class WritableDirectory {

    private WritableDirectory() {
    }

    /**
     * What keeps the output directory from holding the files, or null: it is a file, or doing what the task will do
     * (create the directory, then a file in it) fails. Asking whether the nearest parent is writable was not enough:
     * root may write everywhere by permission, yet /proc, a read-only mount or an immutable directory takes no new
     * entry (tryout15: /proc/x validated, then the task failed at start). Whatever the check made is removed again.
     */
    public static String problem(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        Path existing = target;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        if (!Files.isDirectory(existing)) {
            return existing.equals(target) ? dir + " is a file, not a directory"
                    : dir + " cannot be created: " + existing + " is a file";
        }
        try {
            Files.createDirectories(target);
            Files.delete(Files.createTempFile(target, ".sluice-validate-", ".tmp"));
            return null;
        } catch (IOException | SecurityException e) {
            return existing.equals(target) ? dir + " takes no new files here: " + reason(e)
                    : dir + " cannot be created: " + reason(e);
        } finally {
            // only what did not exist before, innermost first; a directory someone filled meanwhile stays
            for (Path created = target; created != null && !created.equals(existing); created = created.getParent()) {
                try {
                    Files.deleteIfExists(created);
                } catch (IOException e) {
                    break;
                }
            }
        }
    }

    /** The operating system's reason, without a Java class name: it reaches the REST answer. */
    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "the file system there refuses new entries";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
