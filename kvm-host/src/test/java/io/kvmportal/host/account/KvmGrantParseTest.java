package io.kvmportal.host.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class KvmGrantParseTest {

    @Test
    void readsNamedUserEntriesOnly() {
        String out = "user::rw-\nuser:kvmp-alice:rw-\nuser:999:rw-\t#effective:r--\nuser:kvmp-bob:r--\n"
                + "group::rw-\ngroup:kvm:rw-\nmask::r--\nother::---\n\n";

        assertEquals(List.of(new KvmGrant("kvmp-alice", true, true), new KvmGrant("999", true, true),
                new KvmGrant("kvmp-bob", true, false)), KvmAccess.parseGrants(out));
    }

    @Test
    void noNamedEntriesIsEmpty() {
        assertEquals(List.of(), KvmAccess.parseGrants("user::rw-\ngroup::rw-\nother::---\n"));
    }

    @Test
    void aMalformedEntryIsAnError() {
        assertThrows(IllegalStateException.class, () -> KvmAccess.parseGrants("user:kvmp-alice:rwz\n"));
    }
}
