package io.sluice.jdbc;

import io.sluice.runtime.testing.ConnectorLayout;
import org.junit.jupiter.api.Test;

class JdbcPackageLayoutTest {
    @Test
    void sourceAndSinkShareOnlyTheRootAndNeverImportEachOther() {
        ConnectorLayout.check("io.sluice.jdbc");
    }
}
