package io.kvmportal.web.console;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.HashMap;
import java.util.Map;

/** {@link ConsoleRelayTest}'s cases again with {@code portal.console.zero-copy} off: the copying path alone. */
@MicronautTest(transactional = false)
class ConsoleRelayCopyingTest extends ConsoleRelayTest {
    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        properties.put("portal.console.zero-copy", "false");
        return properties;
    }

    @Override
    boolean zeroCopy() {
        return false;
    }
}
