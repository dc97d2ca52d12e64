package io.kvmportal;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;

/** Beans of the JDK that the features share, so tests can replace them. */
@Factory
class BackendFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    SecureRandom secureRandom() {
        return new SecureRandom();
    }
}
