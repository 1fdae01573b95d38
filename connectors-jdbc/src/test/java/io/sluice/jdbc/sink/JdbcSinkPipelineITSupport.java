package io.sluice.jdbc.sink;

import java.nio.file.Path;

/** Shared by the pipeline ITs: a plugin path holding this module as installed by the build. */
public final class JdbcSinkPipelineITSupport {
    private JdbcSinkPipelineITSupport() {
    }

    public static Path pluginPath(Path dir) {
        return JdbcSinkPipelineIT.pluginPath(dir);
    }
}
