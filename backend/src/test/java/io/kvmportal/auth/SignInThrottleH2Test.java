package io.kvmportal.auth;

import io.kvmportal.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

@MicronautTest(transactional = false)
class SignInThrottleH2Test extends SignInThrottleContract {
    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.h2();
    }
}
