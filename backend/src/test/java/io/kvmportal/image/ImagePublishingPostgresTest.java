package io.kvmportal.image;

import io.kvmportal.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

@MicronautTest(transactional = false)
class ImagePublishingPostgresTest extends ImagePublishingContract {
    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
