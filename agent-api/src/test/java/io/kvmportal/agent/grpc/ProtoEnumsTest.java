package io.kvmportal.agent.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtoEnumsTest {

    @Test
    void everyJavaConstantHasAProtoTwinAndComesBack() {
        for (EnumPairs<?, ?> pairs : ProtoEnums.ALL) {
            javaWayRoundTrip(pairs);
        }
    }

    @Test
    void everyProtoConstantHasAJavaTwinAndComesBack() {
        for (EnumPairs<?, ?> pairs : ProtoEnums.ALL) {
            protoWayRoundTrip(pairs);
        }
    }

    @Test
    void nullTravelsAsUnspecified() {
        for (EnumPairs<?, ?> pairs : ProtoEnums.ALL) {
            nullRoundTrip(pairs);
        }
    }

    @Test
    void aValueThisSideDoesNotKnowIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ProtoEnums.NIC.fromProto(io.kvmportal.agent.grpc.proto.Nic.UNRECOGNIZED));
        assertEquals("unknown Nic value UNRECOGNIZED", refused.getMessage());
    }

    @Test
    void aJavaConstantWithoutATwinFailsWhenThePairsAreMade() {
        assertThrows(IllegalArgumentException.class, () -> new EnumPairs<>(io.kvmportal.agent.RefusalKind.class,
                io.kvmportal.agent.grpc.proto.ImageRefusalReason.class, "IMAGE_REFUSAL_REASON_"));
    }

    @Test
    void everyEnumOfTheContractIsPaired() {
        Set<Class<?>> paired = new java.util.HashSet<>();
        ProtoEnums.ALL.forEach(pairs -> paired.add(pairs.javaType()));
        for (Class<?> type : io.kvmportal.agent.grpc.proto.HostAgentProto.getDescriptor().getEnumTypes().stream()
                .map(descriptor -> javaEnum(descriptor.getName())).toList()) {
            assertEquals(true, paired.contains(type), type + " crosses the wire but has no pairs");
        }
    }

    private static Class<?> javaEnum(String name) {
        try {
            return Class.forName("io.kvmportal.agent." + name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("the proto enum " + name + " has no Java enum of that name", e);
        }
    }

    private static <J extends Enum<J>, P extends Enum<P>> void javaWayRoundTrip(EnumPairs<J, P> pairs) {
        for (J constant : pairs.javaType().getEnumConstants()) {
            P proto = pairs.toProto(constant);
            assertEquals(constant, pairs.fromProto(proto), constant + " -> " + proto);
        }
    }

    private static <J extends Enum<J>, P extends Enum<P>> void protoWayRoundTrip(EnumPairs<J, P> pairs) {
        for (P constant : pairs.protoType().getEnumConstants()) {
            if (constant.name().endsWith("_UNSPECIFIED") || constant.name().equals("UNRECOGNIZED")) {
                continue;
            }
            J java = pairs.fromProto(constant);
            assertEquals(constant, pairs.toProto(java), constant + " -> " + java);
        }
    }

    private static <J extends Enum<J>, P extends Enum<P>> void nullRoundTrip(EnumPairs<J, P> pairs) {
        P unspecified = pairs.toProto(null);
        assertEquals(true, unspecified.name().endsWith("_UNSPECIFIED"), unspecified.name());
        assertNull(pairs.fromProto(unspecified));
    }
}
