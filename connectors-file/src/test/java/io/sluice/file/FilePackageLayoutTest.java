package io.sluice.file;

import io.sluice.runtime.testing.ConnectorLayout;
import org.junit.jupiter.api.Test;

class FilePackageLayoutTest {
    @Test
    void sourceAndSinkShareOnlyTheRootAndNeverImportEachOther() {
        ConnectorLayout.check("io.sluice.file");
    }
}
