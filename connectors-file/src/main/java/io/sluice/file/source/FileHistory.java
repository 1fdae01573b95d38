package io.sluice.file.source;

/**
 * The files a path named before its current one, each with the byte position and line it was read to, as one
 * offset string ({@code <file key> <position> <line>} entries separated by ';', newest last, at most
 * {@value #MAX_ENTRIES}). Offsets are keyed by path, so a file rotated by rename (app.log to app.log.1) has its
 * position stored under its old path; the history keeps it there after the new app.log's records overwrite that
 * path's offset, so a restart still recognises the renamed file by its key and does not read it again.
 */
final class FileHistory {

    static final int MAX_ENTRIES = 8;

    private FileHistory() {
    }

    /** The history with one more file appended, the oldest entries dropped beyond the limit. */
    static String append(String history, String fileKey, long position, long line) {
        if (fileKey.isEmpty()) {
            return history; // without a file key a renamed file cannot be recognised anyway
        }
        String entry = fileKey + " " + position + " " + line;
        String all = history.isEmpty() ? entry : history + ";" + entry;
        String[] entries = all.split(";");
        if (entries.length <= MAX_ENTRIES) {
            return all;
        }
        return String.join(";", java.util.Arrays.copyOfRange(entries, entries.length - MAX_ENTRIES, entries.length));
    }

    /** Calls found for every entry, oldest first. */
    static void forEach(String history, Entry found) {
        if (history == null || history.isEmpty()) {
            return;
        }
        for (String entry : history.split(";")) {
            int lineAt = entry.lastIndexOf(' ');
            int positionAt = entry.lastIndexOf(' ', lineAt - 1);
            if (positionAt <= 0) {
                continue;
            }
            try {
                found.entry(entry.substring(0, positionAt), Long.parseLong(entry.substring(positionAt + 1, lineAt)),
                        Long.parseLong(entry.substring(lineAt + 1)));
            } catch (NumberFormatException e) {
                // not written by us: ignore the entry rather than fail the task
            }
        }
    }

    /** Receives one history entry. */
    interface Entry {
        void entry(String fileKey, long position, long line);
    }
}
