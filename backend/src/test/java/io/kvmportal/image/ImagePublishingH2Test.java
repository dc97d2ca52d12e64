package io.kvmportal.image;

import io.kvmportal.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

@MicronautTest(transactional = false)
class ImagePublishingH2Test extends ImagePublishingContract {
    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.h2();
    }
}
