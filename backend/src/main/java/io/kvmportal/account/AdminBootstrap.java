package io.kvmportal.account;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start, with no account at all, creates the admin {@code admin}: with the password from
 * {@code PORTAL_ADMIN_PASSWORD} if set, else with a generated one printed once on the console.
 */
@Singleton
class AdminBootstrap implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private final AccountService accounts;
    private final SecureRandom random;
    private final String configuredPassword;

    AdminBootstrap(AccountService accounts, SecureRandom random,
                   @Nullable @Property(name = "portal.admin.password") String configuredPassword) {
        this.accounts = accounts;
        this.random = random;
        this.configuredPassword = configuredPassword;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        createFirstAdmin(System.out);
    }

    void createFirstAdmin(PrintStream console) {
        if (accounts.hasAccounts()) {
            return;
        }
        boolean generated = configuredPassword == null || configuredPassword.isBlank();
        String password = generated ? generatePassword() : configuredPassword;
        try {
            accounts.createFirstAdmin(password);
        } catch (AccountException e) {
            throw new IllegalStateException("PORTAL_ADMIN_PASSWORD cannot be used: " + e.getMessage(), e);
        }
        if (generated) {
            console.println();
            console.println("==================================================================");
            console.println("  kvm-portal: first start. Sign in as the admin:");
            console.println("    login:    admin");
            console.println("    password: " + password);
            console.println("  This is shown once. Change it under 'My account' after signing in.");
            console.println("==================================================================");
            console.println();
        } else {
            LOG.info("First start: created the admin 'admin' with the password from PORTAL_ADMIN_PASSWORD.");
        }
    }

    private String generatePassword() {
        StringBuilder password = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
