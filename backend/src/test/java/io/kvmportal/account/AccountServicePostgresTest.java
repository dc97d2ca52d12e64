package io.kvmportal.account;

import io.kvmportal.testing.TestDatabase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

@MicronautTest(transactional = false)
class AccountServicePostgresTest extends AccountServiceContract {
    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }
}
