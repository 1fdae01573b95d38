package io.sluice.s3;

import io.sluice.runtime.testing.ConnectorLayout;
import org.junit.jupiter.api.Test;

class S3PackageLayoutTest {
    @Test
    void sourceAndSinkShareOnlyTheRootAndNeverImportEachOther() {
        ConnectorLayout.check("io.sluice.s3");
    }
}
