package io.kvmportal.agent.grpc;

import java.util.EnumMap;
import java.util.Map;

/**
 * One Java enum of io.kvmportal.agent and its proto twin, paired by name: the proto constant is the Java name with
 * the proto enum's prefix (protobuf's C++ scoping), unless {@code renames} says otherwise. A Java null travels as
 * the proto's {@code _UNSPECIFIED} value and comes back as null, so the agent, not the wire, judges a missing value.
 * Built eagerly: a Java constant without a proto twin fails when the pairs are made (and so in ProtoEnumsTest).
 */
final class EnumPairs<J extends Enum<J>, P extends Enum<P>> {
    private final Map<J, P> toProto;
    private final Map<P, J> fromProto;
    private final P unspecified;
    private final Class<J> javaType;
    private final Class<P> protoType;

    EnumPairs(Class<J> java, Class<P> proto, String prefix, Map<J, String> renames) {
        javaType = java;
        protoType = proto;
        toProto = new EnumMap<>(java);
        fromProto = new EnumMap<>(proto);
        unspecified = Enum.valueOf(proto, prefix + "UNSPECIFIED");
        for (J constant : java.getEnumConstants()) {
            P twin = Enum.valueOf(proto, prefix + renames.getOrDefault(constant, constant.name()));
            toProto.put(constant, twin);
            fromProto.put(twin, constant);
        }
    }

    EnumPairs(Class<J> java, Class<P> proto, String prefix) {
        this(java, proto, prefix, Map.of());
    }

    Class<J> javaType() {
        return javaType;
    }

    Class<P> protoType() {
        return protoType;
    }

    P toProto(J value) {
        return value == null ? unspecified : toProto.get(value);
    }

    /** Null for the unspecified value; a value this side does not know (a newer peer's) is refused. */
    J fromProto(P value) {
        if (value == unspecified) {
            return null;
        }
        J constant = fromProto.get(value);
        if (constant == null) {
            throw new IllegalArgumentException("unknown " + unspecified.getDeclaringClass().getSimpleName()
                    + " value " + value);
        }
        return constant;
    }
}
