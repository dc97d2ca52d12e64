package io.kvmportal.auth;

import io.kvmportal.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

@MicronautTest(transactional = false)
class SignInThrottlePostgresTest extends SignInThrottleContract {
    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
